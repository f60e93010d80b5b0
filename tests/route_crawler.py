"""The crawler behind tests/test_route_crawler.py: every admin URL of the URL conf, for every kind of user.

URLs come from the resolver (never a hand list), so a page added tomorrow is
crawled tomorrow. Each pattern's parameters are filled from the database: a
representative record of the page's model, and for a user with a restricted
scope one record inside and one outside it.
"""

import hashlib
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from django.conf import settings
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from apps.lowcode.doctype.base import doctype_registry
from apps.lowcode.permissions import restrictions, scope_queryset

# The admin's pages, its side pages (print, inbox, rankings, configuration) and third-party dashboards.
ADMIN_PREFIX = "admin/"
# Sessions change with every request that stores a message; they are not data.
VOLATILE_TABLES = {"django_session"}
MISSING_ID = "987654321"


@dataclass
class Route:
    route: str  # the pattern as written, prefixes included: "admin/innovation_action/task/<path:object_id>/change/"
    name: str  # the URL name ("innovation_action_task_change") or the route when it has none
    pattern: object
    model: type | None  # the model of a ModelAdmin's URL

    @property
    def parameters(self) -> list[str]:
        """The pattern's parameter names in order; positional regex groups as "0", "1"."""
        pattern = self.pattern.pattern
        if isinstance(pattern, RoutePattern):
            return list(pattern.converters)
        regex = pattern.regex
        named = dict(regex.groupindex)
        if named:
            return sorted(named, key=named.get)
        return [str(i) for i in range(regex.groups)]


def admin_routes() -> list[Route]:
    """Every URL pattern under /admin/, walked recursively from the root URL conf."""
    models_by_prefix = {f"{ADMIN_PREFIX}{m._meta.app_label}/{m._meta.model_name}/": m for m in admin.site._registry}
    routes = []

    def walk(patterns, prefix, model):
        for entry in patterns:
            text = prefix + str(entry.pattern)
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, text, models_by_prefix.get(text, model))
            elif isinstance(entry, URLPattern) and text.startswith(ADMIN_PREFIX):
                routes.append(Route(text, entry.name or text, entry, model))

    walk(get_resolver().url_patterns, "", None)
    return routes


# ------------------------------------------------------------------ filling in a route's parameters

_CONVERTER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<parameter>[^>]+)>")


def build_url(route: Route, values: dict) -> str | None:
    """The route with its parameters filled in from ``values`` (by name, positional groups as "0", "1")."""
    text = route.route
    if "<" in text:
        try:
            text = _CONVERTER.sub(lambda m: str(values[m.group("parameter")]), text)
        except KeyError:
            return None
    if "^" in text or "(" in text:  # regex parts (simple-history, django-rq, the admin's catch-all)
        text = _fill_regex(text, values)
        if text is None:
            return None
    return "/" + text


def _fill_regex(text: str, values: dict) -> str | None:
    positional = iter(values.get(str(i)) for i in range(10))

    def group(match):
        name = match.group("name")
        value = values.get(name) if name else next(positional)
        return "" if value is None else str(value)

    text = re.sub(r"\((?:\?P<(?P<name>\w+)>)?(?:[^()]|\([^()]*\))*\)\??", group, text)
    text = text.replace("^", "").replace("$", "").replace("/?", "/")
    if re.search(r"[\\\[\]*+?|]", text):
        return None
    return text.replace("//", "/")


def latest_version_id(record):
    history = getattr(type(record), "history", None)
    if history is None:
        return None
    version = history.filter(**{type(record)._meta.pk.attname: record.pk}).order_by("-history_id").first()
    return version.history_id if version else None


@dataclass
class Target:
    """One concrete URL of a route, and whether the user may see the record it names."""

    url: str
    route: Route
    in_scope: bool = True
    record: object = None


def representative(model, user) -> list[tuple[object, bool]]:
    """[(record, in scope)]: the user's first record of the model and, when the user's scope hides some,
    the first one it hides. A model with no table (django-rq's dashboard) has none."""
    if not model._meta.managed:
        return []
    everything = model._default_manager.order_by("pk")
    if getattr(model, "doctype", "") not in doctype_registry or not restrictions(user):
        first = everything.first()
        return [(first, True)] if first is not None else []
    visible = scope_queryset(user, model).order_by("pk")
    found = []
    inside = visible.first()
    if inside is not None:
        found.append((inside, True))
    outside = everything.exclude(pk__in=visible.values("pk")).first()
    if outside is not None:
        found.append((outside, False))
    return found


def targets_for(route: Route, user, fixed: dict) -> list[Target]:
    """The URLs to visit for a route: one per representative record for a model's record pages."""
    parameters = route.parameters
    record_parameters = {"object_id", "0"}
    if route.model is not None and record_parameters & set(parameters):
        targets = []
        for record, in_scope in representative(route.model, user):
            values = {**fixed, "object_id": record.pk, "0": record.pk, "1": latest_version_id(record) or MISSING_ID}
            url = build_url(route, values)
            if url:
                targets.append(Target(url, route, in_scope, record))
        return targets
    if route.name == "print-page":
        targets = []
        for doctype in fixed["print_doctypes"]:
            model = doctype_registry[doctype]
            for record, in_scope in representative(model, user):
                url = build_url(route, {"doctype": doctype, "name": record.name})
                if url:
                    targets.append(Target(url, route, in_scope, record))
        return targets
    values = dict(fixed)
    if route.model is not None:
        values["history_id"] = _deleted_version(route.model)
    url = build_url(route, values)
    return [Target(url, route)] if url else []


def _deleted_version(model):
    history = getattr(model, "history", None)
    version = history.filter(history_type="-").order_by("-history_id").first() if history is not None else None
    return version.history_id if version else MISSING_ID


def fixed_values(notice_name: str, job_id: str, print_doctypes: list[str]) -> dict:
    """Parameters that do not depend on the user: ids of things that exist once in the database or Redis."""
    from django.contrib.auth import get_user_model

    task_type = ContentType.objects.get(app_label="innovation_action", model="task")
    task = task_type.model_class()._default_manager.order_by("pk").first()
    return {
        "app_label": "innovation_action",
        "url": "no-such-page/",
        "content_type_id": task_type.pk,
        "id": get_user_model().objects.get(username="xinfeng").pk,
        "name": notice_name,
        "queue_index": 0,
        "scheduler_index": 0,
        "connection_index": 0,
        "job_id": job_id,
        "result_id": "no-such-result",
        "key": "no-such-worker",
        "scheduler_name": "no-such-scheduler",
        "cron_job_name": "no-such-job",
        "token": "no-such-token",
        "object_id": task.pk,  # the admin's "view on site" shortcut
        "print_doctypes": print_doctypes,
    }


# ------------------------------------------------------------------ did the database change?


def data_tables() -> list[str]:
    return sorted(t for t in connection.introspection.table_names() if t not in VOLATILE_TABLES)


def checksum(tables: list[str]) -> dict[str, str]:
    """A checksum per table: MariaDB's CHECKSUM TABLE (one statement for all), or a hash of every row on SQLite;
    and the site's job queues on Redis (django-rq's dashboard empties and deletes them)."""
    sums = _table_checksums(tables)
    if settings.REDIS_URL:
        import django_rq

        redis = django_rq.get_connection("default")
        keys = sorted(redis.scan_iter(match="rq:*"))
        lengths = [redis.llen(k) if redis.type(k) == b"list" else 0 for k in keys]
        sums["redis rq:*"] = hashlib.sha1(repr(list(zip(keys, lengths))).encode()).hexdigest()
    return sums


def _table_checksums(tables: list[str]) -> dict[str, str]:
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "mysql":
            cursor.execute("CHECKSUM TABLE " + ", ".join(quote(t) for t in tables))
            return {row[0].split(".", 1)[-1]: str(row[1]) for row in cursor.fetchall()}
        sums = {}
        for table in tables:
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY 1")
            sums[table] = hashlib.sha1(repr(cursor.fetchall()).encode()).hexdigest()
        return sums


def changed_tables(before: dict, after: dict) -> list[str]:
    return sorted(t for t in before.keys() | after.keys() if before.get(t) != after.get(t))


@dataclass
class Findings:
    problems: list = field(default_factory=list)
    requests: int = 0

    def add(self, who: str, method: str, url: str, what: str):
        self.problems.append(f"{who} {method} {url}: {what}")


# ------------------------------------------------------------------ the workbench's routes (/app/…)

ROUTER_JS = settings.BASE_DIR / "apps" / "innovation_action" / "frontend" / "src" / "router.js"
_ROUTE_PATH = re.compile(r"path:\s*'(?P<path>/[^']*)'")


def workbench_routes() -> list[str]:
    """The SPA's route paths as router.js declares them ('/self-assessment/:name'), read from the source so that
    a page added tomorrow is crawled tomorrow."""
    return _ROUTE_PATH.findall(ROUTER_JS.read_text(encoding="utf-8"))


def workbench_urls(names: list[str]) -> list[str]:
    """Every route under /app/, each ``:param`` filled with each of ``names`` (records in and out of scope, hostile
    text); the catch-all with a path nobody declared."""
    urls = []
    for path in workbench_routes():
        if path.startswith("/:pathMatch"):
            urls.append("/app/no/such/page")
            continue
        if ":" not in path:
            urls.append("/app" + path)
            continue
        for name in names:
            urls.append("/app" + re.sub(r":\w+", lambda _: quote(str(name), safe=""), path))
    return urls
