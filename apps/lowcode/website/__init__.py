"""The site's own words (Frappe's Website Settings): its name, its host organisation, the login greeting.

One record per site, edited by administrators in the admin; every page, print, export and the API's
documentation read it through site.py, never a literal. The defaults are neutral: a jurisdiction's
fixtures (or its administrator) set its own.
"""
