"""Production defaults: no debug pages, secure cookies over https, CSP and nosniff on every
response, Chinese error pages, and a health check that tells details to administrators only."""

import json
import shutil
import subprocess
import sys

import pytest

from tests.conftest import ROOT


def site_settings(site: str, *names: str) -> dict:
    """Settings as a fresh process for ``site`` sees them (settings are read once, at start)."""
    code = (
        "import django, json; from django.conf import settings; django.setup(); "
        f"print(json.dumps({{n: getattr(settings, n, None) for n in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        env={"SITE": site, "DJANGO_SETTINGS_MODULE": "sites.settings", "PATH": "/usr/bin:/bin"},
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def https_site():
    """A throw-away site whose config says it is served over https."""
    name = "pytest-https"
    directory = ROOT / "sites" / name
    directory.mkdir(exist_ok=True)
    (directory / "site_config.json").write_text(json.dumps({"https": True, "secret_key": "x" * 50}))
    yield name
    shutil.rmtree(directory)


def test_debug_is_off_unless_the_site_turns_it_on():
    assert site_settings("default", "DEBUG") == {"DEBUG": False}  # the default site has no config at all


def test_cookies_are_secure_and_http_redirects_on_an_https_site(https_site):
    found = site_settings(
        https_site, "DEBUG", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS"
    )
    assert found == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
    }
    plain = site_settings("default", "SESSION_COOKIE_SECURE", "SECURE_SSL_REDIRECT")
    assert plain == {"SESSION_COOKIE_SECURE": False, "SECURE_SSL_REDIRECT": False}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/login/",
        "/admin/",
        "/api/resource/Task",
        "/api/method/frappe.auth.get_logged_user",
        "/health/",
        "/no-such-page/",
        "/private/files/nothing.pdf",
        "/api/docs/",
    ],
)
def test_every_response_carries_csp_and_nosniff(login, path):
    response = login("office").get(path)
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy and "object-src 'none'" in policy
    assert "script-src 'self' 'unsafe-inline'" in policy and "unsafe-eval" not in policy
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_error_pages_are_chinese(client, login):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    text = response.content.decode()
    assert "页面不存在" in text and "Not Found" not in text
    response = login("leader").get("/admin/config/")
    assert response.status_code == 403
    assert "系统管理员" in response.content.decode()


@pytest.mark.django_db
def test_health_for_a_load_balancer_says_only_ok(client):
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
    assert response["Cache-Control"].startswith("max-age=0")


@pytest.mark.django_db
@pytest.mark.parametrize("username", ["office", "leader", "zhanggong", "gongxin"])
def test_health_details_are_for_administrators_only(login, username):
    assert login(username).get("/health/").json() == {"status": "ok"}


@pytest.mark.redis
@pytest.mark.django_db
def test_administrator_sees_database_redis_and_workers(login, redis_queue):
    body = login("admin").get("/health/").json()
    checks = {check["name"]: check for check in body["checks"]}
    assert body["status"] == "ok"
    assert checks["database"]["ok"] and checks["database"]["label"] == "数据库"
    assert checks["redis"]["ok"] and checks["redis"]["detail"] == "连接正常"
    # No worker runs during the tests: shown, but a web node is not taken out for it.
    assert checks["workers"] == {**checks["workers"], "ok": False, "critical": False}
    assert checks["workers"]["detail"].startswith("运行中 0 个；排队 0 个")


@pytest.mark.redis
@pytest.mark.django_db
def test_unreachable_redis_is_shown_but_keeps_the_node_in(login, settings):
    """The site works without Redis (tests/test_faults_jobs.py): a load balancer must not take every node out."""
    settings.RQ_QUEUES = {"default": {"URL": "redis://127.0.0.1:1/0", "DEFAULT_TIMEOUT": 5}}
    response = login("admin").get("/health/")
    assert response.status_code == 200
    checks = {check["name"]: check for check in response.json()["checks"]}
    assert response.json()["status"] == "ok"
    assert checks["database"]["ok"] and not checks["redis"]["ok"] and not checks["redis"]["critical"]
    assert "Connection" in checks["redis"]["detail"]
