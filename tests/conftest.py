"""Shared fixtures: the 2023 plan is loaded once into the test database."""

import os
from pathlib import Path

import pytest
from django.conf import settings
from pytest_django.plugin import blocking_manager_key

from apps.innovation_action.services.demo_accounts import (
    DEMO_PASSWORD,
    create_demo_accounts,
)
from apps.innovation_action.services.plan_loader import load_plan

ROOT = Path(__file__).resolve().parent.parent
PLAN_FOLDER = ROOT / "fixtures" / "ganzhou-2023"


def pytest_sessionstart(session):
    """In CI the real services are part of the contract: their absence fails the run."""
    if os.environ.get("CI") != "true":
        return
    import socket

    for service, port in (("MariaDB", 3306), ("Redis", 6379)):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=3).close()
        except OSError as exc:
            pytest.exit(f"CI 需要 {service}（127.0.0.1:{port}），连接失败：{exc}", returncode=1)


def _uses_db(item) -> tuple[bool, bool]:
    """(uses the database, is transactional), as pytest-django decides it when it orders the tests."""
    marker = item.get_closest_marker("django_db")
    fixtures = getattr(item, "fixturenames", ())
    transactional = bool(marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")))
    transactional = transactional or "transactional_db" in fixtures or "live_server" in fixtures
    return bool(marker) or "db" in fixtures or transactional, transactional


_flushed = False  # a transactional test ran on this worker since the plan was last loaded


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """Load the plan again when a test needs it after a transactional test emptied the database.

    A transactional test ends with a flush. Run alone, pytest-django orders those tests last; a
    parallel worker (pytest-xdist) takes whole files as they come, so one may come first.
    """
    global _flushed
    uses_db, transactional = _uses_db(item)
    if uses_db and not transactional and _flushed:
        with item.config.stash[blocking_manager_key].unblock():
            load_plan(PLAN_FOLDER)
            create_demo_accounts()
        _flushed = False
    _flushed = _flushed or transactional
    yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the 2023 plan and the demo accounts, as `make run` leaves it."""
    with django_db_blocker.unblock():
        load_plan(PLAN_FOLDER)
        create_demo_accounts()


@pytest.fixture
def plan(db):
    from apps.innovation_action.models import ActionPlan

    return ActionPlan.objects.get(name="2023")


@pytest.fixture
def login(client):
    """Log the test client in as a demo account: ``login("office")``."""

    def _login(username):
        assert client.login(username=username, password=DEMO_PASSWORD), username
        return client

    return _login


@pytest.fixture
def redis_queue():
    """The site's real RQ queue on Redis, emptied before and after the test."""
    import django_rq

    assert settings.REDIS_URL, "this site configures no Redis (site_config.json: redis_url)"
    queue = django_rq.get_queue("default")
    queue.connection.flushdb()
    yield queue
    queue.connection.flushdb()


@pytest.fixture
def api():
    """A DRF API client that speaks JSON; ``api.as_user("office")`` logs in through /api/method/login."""
    from rest_framework.test import APIClient

    class FrappeClient(APIClient):
        def as_user(self, username):
            response = self.post("/api/method/login", {"usr": username, "pwd": DEMO_PASSWORD}, format="json")
            assert response.status_code == 200, response.content
            return self

        def resource(self, doctype, name=None, **params):
            import json as _json

            url = f"/api/resource/{doctype}" + (f"/{name}" if name else "")
            query = {
                k: v if isinstance(v, str | int) else _json.dumps(v, ensure_ascii=False) for k, v in params.items()
            }
            return self.get(url, query)

    return FrappeClient()


@pytest.fixture(autouse=True)
def empty_cache():
    """Login lockout counts and other cached state never leak from one test to the next."""
    from django.core.cache import cache

    from apps.lowcode.doctype import version

    cache.clear()
    yield
    version.forget()  # a test's custom fields were rolled back with it: rebuild the metadata
