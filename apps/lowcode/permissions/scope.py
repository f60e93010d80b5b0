"""Record scope from User Permissions, and role checks per doctype.

A doctype says how its records link to a restricting doctype through
``scope_paths``, e.g. Liaison: ``{"Unit": ["unit__name"]}`` and Task:
``{"Unit": ["lead_unit__name", "units__unit__name"]}``. For a user restricted
to values V of doctype D, a record of a doctype with paths to D is visible when
any path reaches a value in V, or when no path reaches any value at all
(records linked to nothing are shared, as in Frappe). Doctypes with no path to
D are not restricted by it. A child table row follows its parent.

Records that belong to someone (a county's report, a county's project) define
``scope_condition`` instead, often with ``only_through``: there a record linked
to none of the user's values is not shared with them.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from apps.lowcode.doctype.base import ChildDocument
from apps.lowcode.permissions.user_permission import UserPermission

ACTIONS = {"read": "view", "create": "add", "write": "change", "delete": "delete"}
ACTION_LABELS = {"read": "查看", "create": "新建", "write": "修改", "delete": "删除"}


def restrictions(user) -> dict[str, set[str]]:
    """{doctype: allowed names} from the user's User Permission rows (cached on the user)."""
    if not user.is_authenticated:
        return {}
    cached = getattr(user, "_user_permission_cache", None)
    if cached is None:
        cached = {}
        for allow, value in UserPermission.objects.filter(user=user).values_list("allow", "for_value"):
            cached.setdefault(allow, set()).add(value)
        user._user_permission_cache = cached
    return cached


def scope_paths(model) -> dict[str, list[str]]:
    paths = getattr(model, "scope_paths", None)
    if paths is not None:
        return paths
    parent_fk, parent = _parent(model)
    if parent is not None:
        return {
            doctype: [f"{parent_fk}__{path}" for path in parent_paths]
            for doctype, parent_paths in scope_paths(parent).items()
        }
    return {}


def _parent(model) -> tuple[str, type | None]:
    """A child doctype's foreign key to its parent and the parent model; ("", None) for others."""
    if not issubclass(model, ChildDocument):
        return "", None
    from apps.lowcode.doctype.meta import meta_of

    parent_fk = meta_of(model).parent_fk
    return parent_fk, model._meta.get_field(parent_fk).related_model


def scope_queryset(user, model, queryset=None):
    """The records of ``model`` the user may see."""
    queryset = model._default_manager.all() if queryset is None else queryset
    if user.is_superuser:
        return queryset
    custom = getattr(model, "scope_condition", None)
    if custom is not None:
        return queryset.filter(custom(user))
    parent_fk, parent = _parent(model)
    if parent is not None and getattr(parent, "scope_condition", None) is not None:
        return queryset.filter(**{f"{parent_fk}__in": scope_queryset(user, parent).values("pk")})
    return queryset.filter(paths_condition(user, model))


def paths_condition(user, model) -> Q:
    """What ``scope_paths`` allow the user: for each restricting doctype, records linked to one of the
    user's values or to none at all. A ``scope_condition`` may narrow it further (Task: also by plan)."""
    condition = Q()
    paths = scope_paths(model)
    for doctype, values in restrictions(user).items():
        doctype_paths = paths.get(doctype)
        if not doctype_paths:
            continue
        linked_to_allowed = Q()
        linked_to_nothing = Q()
        for path in doctype_paths:
            # Subqueries, not joins: a path through a child table must not
            # duplicate rows, and "no row links anywhere" needs NOT EXISTS.
            linked_to_allowed |= Q(pk__in=model._default_manager.filter(**{f"{path}__in": values}).values("pk"))
            linked_to_nothing &= ~Q(pk__in=model._default_manager.filter(**{f"{path}__isnull": False}).values("pk"))
        condition &= linked_to_allowed | linked_to_nothing
    return condition


def locked_in_scope(user, model, **lookup):
    """The record matching ``lookup`` that the user may see, its row locked for this transaction; or None.

    The scope goes into a subquery: a locking read locks the rows of every table it joins, and a
    county user's scope joins County, so locking through it would lock the county's row and make
    every write in that county wait for the others. No ORDER BY either: a doctype's ordering joins too.
    """
    visible = scope_queryset(user, model).filter(**lookup).values("pk")
    return model._default_manager.select_for_update().filter(pk__in=visible).order_by().first()


def only_through(user, paths: dict[str, list[str]]) -> Q:
    """A ``scope_condition`` for records that belong to someone (a county's or a unit's report): a
    restricted user sees those whose paths reach one of their allowed values, and nothing else —
    unlike ``scope_paths``, a record linked to none of their doctypes is not shared with them."""
    allowed = restrictions(user)
    if not allowed:
        return Q()
    condition = Q(pk__in=[])
    for doctype, doctype_paths in paths.items():
        for path in doctype_paths if doctype in allowed else ():
            condition |= Q(**{f"{path}__in": allowed[doctype]})
    return condition


def in_scope(user, obj) -> bool:
    return scope_queryset(user, type(obj)).filter(pk=obj.pk).exists()


def ensure_in_scope(user, obj, message: str = "") -> None:
    if not in_scope(user, obj):
        raise PermissionDenied(message or "超出你的数据权限范围")


def _permission_model(model):
    """Child table rows are read and written with their parent's permissions."""
    if issubclass(model, ChildDocument):
        from apps.lowcode.doctype.meta import meta_of

        return model._meta.get_field(meta_of(model).parent_fk).related_model
    return model


def can(user, action: str, model) -> bool:
    """Role permission: action is read, create, write or delete."""
    model = _permission_model(model)
    opts = model._meta
    return user.is_authenticated and user.has_perm(f"{opts.app_label}.{ACTIONS[action]}_{opts.model_name}")


def ensure_can(user, action: str, model) -> None:
    if not can(user, action, model):
        raise PermissionDenied(f"没有{ACTION_LABELS[action]}“{_permission_model(model)._meta.verbose_name}”的权限")
