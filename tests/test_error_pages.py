"""Django's own errors (servicedesk/edge.py): JSON with a ``code`` under /api/, the
friendly page in the house look everywhere else, never Django's bare "Bad Request (400)"."""

import json
import sys

import pytest
from django.db import OperationalError
from django.test import Client, RequestFactory

from servicedesk import edge

pytestmark = pytest.mark.django_db


def is_page(response, heading: str) -> bool:
    return response["Content-Type"].startswith("text/html") and heading in response.text


def test_unknown_pages_get_the_404_page_and_unknown_api_paths_json(
    client, caller, django_assert_num_queries
):
    with django_assert_num_queries(0):  # so it shows while the database is down
        response = client.get("/nothing/here/")
    assert response.status_code == 404 and is_page(response, "Page not found")
    client.force_login(caller)
    client.get("/")
    with django_assert_num_queries(1):  # a signed-in user's session, nothing of the page's
        response = client.get("/nothing/here/")
    assert response.status_code == 404 and is_page(response, "Page not found")
    assert "Service status" in response.text  # the house frame, its plain nav
    assert client.get("/status/nothing/").status_code == 404
    response = client.get("/api/nothing/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


def test_a_body_over_the_limit_is_413(client, agent_api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = "username=a&password=" + "x" * 2000
    response = client.post(
        "/accounts/login/", body, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413 and is_page(response, "could not be handled")
    response = agent_api.post("/api/v1/incidents/", body, content_type="application/json")
    assert response.status_code == 413 and response.json()["code"] == "payload_too_large"


def test_a_bad_host_is_a_400_with_a_code(client):
    response = client.get("/api/v1/incidents/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
    response = client.get("/accounts/login/", HTTP_HOST="evil.example")
    assert response.status_code == 400 and is_page(response, "could not be handled")


def test_a_form_without_its_csrf_token_gets_the_403_page():
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a", "password": "b"}
    )
    assert response.status_code == 403 and is_page(response, "You may not see this page")
    assert "reload the page" in response.text


def test_a_crash_is_the_500_page_or_json_and_an_outage_a_503():
    factory = RequestFactory()
    for exception, status in ((ValueError("bug"), 500), (OperationalError("gone"), 503)):
        try:
            raise exception
        except Exception:  # Django calls handler500 inside its own except
            assert sys.exc_info()[1] is exception
            page = edge.server_error(factory.get("/incidents/"))
            api = edge.server_error(factory.get("/api/v1/incidents/"))
        assert page.status_code == api.status_code == status
        assert page["Content-Type"].startswith("text/html")
        if status == 503:
            assert b"Briefly unavailable" in page.content and page["Retry-After"] == "5"
            assert api["Retry-After"] == "5"
            assert json.loads(api.content)["code"] == "unavailable"
        else:
            assert b"Something went wrong" in page.content
            assert json.loads(api.content)["code"] == "server_error"
