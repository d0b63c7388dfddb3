"""Swagger UI at /api/docs/, served from our own static files, renders the API's
operations under the Content-Security-Policy (the page fixture fails on any violation)."""

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
    incidents = page.get_by_text("/api/v1/incidents/", exact=True)
    for _ in range(40):
        if incidents.count():
            break
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(100)
    expect(incidents.first).to_be_visible()
    screenshot("swagger-ui")
