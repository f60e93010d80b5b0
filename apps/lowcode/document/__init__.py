"""Documents for a user: reading, listing, writing and deleting them with every rule applied.

Above the document core (meta, serialisation) and the engines it calls on each
save (permissions, workflow); below the doors that use it (the API, the admin,
imports). Every door goes through :mod:`.service`, so each write meets the
same permission, scope, workflow rights, validation and document events.
"""
