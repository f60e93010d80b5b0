"""Frappe's ``like`` as the database's own LIKE: the ``__like`` lookup.

Frappe passes a like pattern to MariaDB as it is: ``%`` matches any run of
characters, ``_`` one character, and a backslash makes the next one literal
(``\\%`` is a percent sign). We do the same, in SQL, inside the user's scope.
A pattern must never become a regular expression: ``%a%a%a%b`` against a long
text makes a backtracking matcher run for hours, while both MariaDB's and
SQLite's LIKE give up as soon as the text is exhausted.

Case-insensitive as in Frappe: MariaDB's columns use a ``_ci`` collation;
SQLite's LIKE folds ASCII letters; a custom field's JSON text is lowered on
both sides on MariaDB, since JSON functions answer in a binary collation.
"""

from django.db.models import Field, Lookup
from django.db.models.fields.json import KeyTransform, KeyTransformTextLookupMixin


class Like(Lookup):
    """``field__like="%稀土%"``: the pattern reaches SQL unchanged (Django's contains would escape it)."""

    lookup_name = "like"
    prepare_rhs = False  # a pattern, not a value of the field: "%12%" on a number stays text
    lowered = False  # compare lowered texts (MariaDB, where the left side has a binary collation)

    def get_db_prep_lookup(self, value, connection):
        return "%s", [str(value)]

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        params = (*lhs_params, *rhs_params)
        if connection.vendor == "sqlite":
            return f"{lhs} LIKE {rhs} ESCAPE '\\'", params  # SQLite has no escape character unless told
        if connection.vendor == "mysql":
            if self.lowered:
                return f"LOWER({lhs}) LIKE LOWER({rhs})", params
            return f"{lhs} LIKE {rhs}", params  # backslash is MariaDB's default escape
        return f"UPPER(CAST({lhs} AS TEXT)) LIKE UPPER({rhs})", params


class KeyTransformLike(KeyTransformTextLookupMixin, Like):
    """``custom_values__field__like``: the key's value as text (JSON_UNQUOTE(JSON_EXTRACT()) / ->>)."""

    lowered = True


Field.register_lookup(Like)
KeyTransform.register_lookup(KeyTransformLike)


def escape_like(text: str) -> str:
    """A literal text as a LIKE pattern matching exactly it."""
    return str(text).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
