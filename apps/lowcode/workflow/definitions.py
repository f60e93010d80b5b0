"""The active workflows, read once per process for each content of the workflow tables.

The engine asks for a doctype's workflow on every action and on every read or write of a document
under a workflow (edit rights, the state check). Building it (the workflow with its states and
transitions as model instances) costs three ORM queries and a few dozen instances, ~10× more than
reading the three small tables' raw rows. So each call reads those rows (in one query), in the
caller's transaction and through the same connection, and builds the workflows again only when
they differ from the rows the cached ones were built from.

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
# Who saved a row and when changes nothing a workflow does: left out of the key, they spare converting
# two datetimes per row on every action. Any change that matters changes another column.
RECORD_KEEPING = ("owner", "creation", "modified", "modified_by")

# (key, {doctype: workflow}): replaced as a whole, never changed in place, so a thread that read
# the pair uses workflows that belong to its key.
_cache: tuple = (None, {})
_queries: dict[str, str] = {}  # by database alias: every column of the three tables in one SELECT


def _connection():
    return connections[router.db_for_read(Workflow)]


def table_rows(connection=None) -> tuple:
    """Every row of the workflow tables, every column but the record-keeping ones, in a stable order: what
    the cache is keyed on.

    One query (a round trip per action, not three): the tables' rows as one UNION ALL, each row
    tagged with its table and padded to the widest table with NULLs. The database may give a column
    shared by different types as text; it does so the same way every time, so the key stays exact.
    """
    connection = connection or _connection()
    sql = _queries.get(connection.alias)
    if sql is None:
        quote = connection.ops.quote_name
        keyed = {model: [f for f in model._meta.concrete_fields if f.name not in RECORD_KEEPING] for model in TABLES}
        width = max(len(fields) for fields in keyed.values())
        selects = []
        for tag, model in enumerate(TABLES):
            columns = [quote(f.column) for f in keyed[model]]
            columns = [quote(model._meta.pk.column), *(c for c in columns if c != quote(model._meta.pk.column))]
            padding = ["NULL"] * (width - len(columns))
            selects.append(f"SELECT {tag}, {', '.join(columns + padding)} FROM {quote(model._meta.db_table)}")
        # No ORDER BY: sorting a UNION makes MariaDB write its rows to a temporary table, on disk as the
        # tables have TEXT columns, on every action (and a failure to create one can crash MariaDB 10.11,
        # seen here). A few dozen rows sort in Python for nothing.
        sql = _queries[connection.alias] = " UNION ALL ".join(selects)
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return tuple(sorted(cursor.fetchall(), key=lambda row: (row[0], row[1])))  # by table, then id


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
