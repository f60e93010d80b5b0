"""The active workflows, read once per process for each content of the workflow tables.

The engine asks for a doctype's workflow on every action and on every read or write of a document
under a workflow (edit rights, the state check). Building it (the workflow with its states and
transitions as model instances) costs three ORM queries and a few dozen instances, ~10× more than
reading the three small tables' raw rows. So each call reads those rows, in the caller's transaction
and through the same connection, and builds the workflows again only when they differ from the
rows the cached ones were built from.

The key is the content itself, not a version or a timestamp: any change, by any process, through
any door (the admin, the API, an import, ``QuerySet.update``, raw SQL), is seen by the very next
call, as is a change made earlier in the caller's own transaction and its rollback. The
workflows are built between two reads of the key and kept only if both agree, so a change
committed meanwhile is never filed under the older content.

What this returns is shared by every caller in the process: read it, never change it.
"""

from django.db import connections, router

from apps.lowcode.workflow.model import Workflow, WorkflowState, WorkflowTransition

TABLES = (Workflow, WorkflowState, WorkflowTransition)

# (key, {doctype: workflow}): replaced as a whole, never changed in place, so a thread that read
# the pair uses workflows that belong to its key.
_cache: tuple = (None, {})
_queries: dict[str, list[str]] = {}  # by database alias: one SELECT of every column per table


def _connection():
    return connections[router.db_for_read(Workflow)]


def table_rows(connection=None) -> tuple:
    """Every row of the workflow tables, every column, in a stable order: what the cache is keyed on."""
    connection = connection or _connection()
    queries = _queries.get(connection.alias)
    if queries is None:
        quote = connection.ops.quote_name
        queries = _queries[connection.alias] = [
            f"SELECT {', '.join(quote(f.column) for f in model._meta.concrete_fields)} "
            f"FROM {quote(model._meta.db_table)} ORDER BY {quote(model._meta.pk.column)}"
            for model in TABLES
        ]
    rows = []
    with connection.cursor() as cursor:
        for sql in queries:
            cursor.execute(sql)
            rows.append(tuple(cursor.fetchall()))
    return tuple(rows)


def active_workflow(doctype: str, build):
    """``build(doctype)`` (the doctype's active workflow, or None), reused while the tables are unchanged."""
    global _cache
    connection = _connection()
    key = table_rows(connection)
    cached_key, workflows = _cache
    if cached_key == key and doctype in workflows:
        return workflows[doctype]
    workflow = build(doctype)
    if table_rows(connection) != key:
        return workflow  # the tables changed while it was being built: use it this once, keep nothing
    _cache = (key, {**(workflows if cached_key == key else {}), doctype: workflow})
    return workflow
