"""Frappe's /login: on to the site's one sign-in page (the workbench's), keeping where to come back to, and
only when that is a page of this site. The page itself, and the way back after logging in, run in Chromium in
test_oauth_browser.py."""

from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client, override_settings

from apps.innovation_action.services.demo_accounts import DEMO_PASSWORD

pytestmark = [pytest.mark.django_db]

AUTHORIZE = "/api/method/frappe.integrations.oauth2.authorize?client_id=app&response_type=code&state=a%20b#top"


def sign_in_page(response) -> tuple[str, dict]:
    assert response.status_code == 302, response.content.decode()
    location = urlsplit(response["Location"])
    return location.path, parse_qs(location.query)


@pytest.mark.parametrize(
    "query, back",
    [
        ({"redirect-to": AUTHORIZE}, AUTHORIZE),  # Frappe's parameter, as its OAuth provider sends it
        ({"next": "/app/todo"}, "/app/todo"),  # Django's
        ({"redirect-to": "http://testserver/app/records?x=1"}, "/app/records?x=1"),  # this site, absolute
        ({"redirect-to": "https://evil.example/steal", "next": "/app/todo"}, "/app/todo"),
    ],
)
def test_a_guest_is_sent_to_the_workbench_sign_in_keeping_the_way_back(query, back):
    path, params = sign_in_page(Client().get("/login", query))
    assert path == "/app/login" == settings.WORKBENCH_URL.rstrip("/") + "/login"
    assert params == {"redirect-to": [back]}


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/x",
        "/\\evil.example",
        "\\\\evil.example",
        "http://testserver//evil.example",  # this host, but a path a browser reads as another host
        "javascript:alert(1)",
        "ftp://testserver/x",
        "app/todo",  # relative: no meaning here
        "",
    ],
)
def test_an_address_elsewhere_is_dropped(target):
    path, params = sign_in_page(Client().get("/login", {"redirect-to": target}))
    assert (path, params) == ("/app/login", {})


def test_opened_directly_it_is_the_sign_in_page_with_nothing_to_return_to():
    assert Client().get("/login")["Location"] == "/app/login"
    page = Client().get("/app/login")
    assert page.status_code == 200
    assert "请登录，以便授权应用使用你的账号" not in page.content.decode()  # the old OAuth-only page is gone


def test_a_logged_in_user_goes_straight_back_or_home(login):
    office = login("office")
    assert office.get("/login", {"redirect-to": AUTHORIZE})["Location"] == AUTHORIZE
    assert office.get("/login", {"redirect-to": "https://evil.example/"})["Location"] == "/admin/"  # home
    county = login("zhanggong")
    assert county.get("/login")["Location"] == settings.WORKBENCH_URL


def test_login_is_not_a_form_any_more():
    """Logging in is Frappe's login method (the workbench's page calls it); /login takes no password."""
    refused = Client().post("/login", {"username": "office", "password": DEMO_PASSWORD})
    assert refused.status_code == 405
    assert Client().head("/login").status_code == 302


@override_settings(WORKBENCH_URL="/desk/")
def test_the_sign_in_page_is_the_sites_setting():
    assert Client().get("/login")["Location"] == "/desk/login"
