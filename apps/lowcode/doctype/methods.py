"""Document methods a client may call (Frappe's ``@frappe.whitelist()`` on a controller method).

A doctype declares them on its model::

    class Task(Document):
        @doc_method()                  # read is enough: the method only reads
        def progress_summary(self, user):
            ...

        @doc_method(perm="write")      # role write permission and the workflow's edit rights
        def recompute(self, user, year=None):
            ...

``run_doc_method`` finds a method only through this declaration: a name that
is not a declared method of the doctype's class (an attribute, a field, a
Django method such as ``delete``) is refused, so a client can never reach
arbitrary attributes. The method is called as ``method(doc, user, **args)``;
anything it writes must go through the document service like every other door.
"""

from collections.abc import Callable
from dataclasses import dataclass

PERMS = ("read", "write")


@dataclass(frozen=True)
class DocMethod:
    name: str
    func: Callable
    perm: str  # what the user needs on the document besides reading it: "read" or "write"
    http_methods: tuple[str, ...]


def doc_method(perm: str = "read", methods=("GET", "POST")):
    """Declare a model method callable through run_doc_method."""
    if perm not in PERMS:
        raise ValueError(f"doc_method perm must be one of {PERMS}, not {perm!r}")

    def mark(func):
        func._doc_method = (perm, tuple(methods))
        return func

    return mark


def declared_methods(model) -> dict[str, DocMethod]:
    """The declared methods of a model class, own and inherited, by name."""
    found = {}
    for klass in reversed(model.__mro__):
        for name, value in vars(klass).items():
            marker = getattr(value, "_doc_method", None)
            if callable(value) and marker is not None and not name.startswith("_"):
                found[name] = DocMethod(name, value, marker[0], marker[1])
            else:
                found.pop(name, None)  # overridden by something undeclared: no longer callable
    return found


def find_doc_method(model, name) -> DocMethod | None:
    if not isinstance(name, str):
        return None
    return declared_methods(model).get(name)
