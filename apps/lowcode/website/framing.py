"""Letting this site's own pages show a response in a frame (a PDF or an image previewed in place).

Every response says "never framed" (X-Frame-Options DENY and CSP frame-ancestors 'none', sites/settings.py);
a document previewed inside a page of the same site is the one exception, made per response.
"""

from csp.constants import SELF


def framable_by_this_site(response):
    response["X-Frame-Options"] = "SAMEORIGIN"  # XFrameOptionsMiddleware keeps a header already set
    response._csp_replace = {"frame-ancestors": [SELF]}  # read by django-csp's middleware
    return response
