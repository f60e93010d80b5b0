"""Writing given fields of many rows at once, as Django's ``bulk_update`` does, without its cost.

``bulk_update`` builds a ``Case(When(pk=…, then=Value(…)))`` expression per row and field and
resolves each through the ORM: about a millisecond of Python per row and field, which dominates
writing a period's 60,000 score lines. ``update_rows`` sends the same statement — one UPDATE per
batch, a CASE on the primary key per field — built directly from each field's database value
(``get_db_prep_save``, so decimals, booleans and dates are stored exactly as a save stores them).
No signals, no history: like ``bulk_update`` and ``QuerySet.update``, for derived fields only.
"""

from django.db import connections, router

BATCH = 100  # rows per statement: a CASE of 100 (measured: 60,000 lines 1.5 s, against 2.7 s in batches of 500)


def update_rows(objs: list, fields: list[str]) -> int:
    """Write ``fields`` of every instance in ``objs`` (all of one model) to its row; returns the rows sent."""
    if not objs:
        return 0
    model = type(objs[0])
    meta = model._meta
    using = router.db_for_write(model)
    connection = connections[using]
    quote = connection.ops.quote_name
    pk_column = quote(meta.pk.column)
    model_fields = [meta.get_field(name) for name in fields]
    for start in range(0, len(objs), BATCH):
        batch = objs[start : start + BATCH]
        assignments, params = [], []
        for field in model_fields:
            cases = []
            for obj in batch:
                cases.append("WHEN %s THEN %s")
                params += [obj.pk, field.get_db_prep_save(getattr(obj, field.attname), connection)]
            assignments.append(f"{quote(field.column)} = CASE {pk_column} {' '.join(cases)} END")
        params += [obj.pk for obj in batch]
        placeholders = ", ".join(["%s"] * len(batch))
        sql = f"UPDATE {quote(meta.db_table)} SET {', '.join(assignments)} WHERE {pk_column} IN ({placeholders})"
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    return len(objs)
