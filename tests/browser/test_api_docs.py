"""Swagger UI at /api/docs/, served from our own static files, renders the API's
operations under the Content-Security-Policy (the page fixture fails on any violation)."""

import time

import pytest
from playwright.sync_api import expect


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_the_operations_under_the_csp(page, live_server, screenshot):
    response = page.goto(f"{live_server.url}/api/docs/")

    assert response is not None
    assert "script-src 'self' 'nonce-" in response.headers["content-security-policy"]
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.locator(".opblock")).not_to_have_count(0)
    # Swagger UI renders a long document's tag groups as the reader scrolls to them.
    # Scroll until that group is drawn: by time, not by a count of steps, so a slow machine
    # (the operations of a loaded CI run drew later than 40 steps of 100 ms) is not a failure.
    incidents = page.get_by_text("/api/v1/incidents/", exact=True)
    deadline = time.monotonic() + 30
    while not incidents.count() and time.monotonic() < deadline:
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(200)
    expect(incidents.first).to_be_visible(timeout=15_000)
    screenshot("swagger-ui")
