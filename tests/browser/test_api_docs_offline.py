"""The API docs work offline: with every request to anywhere but the server itself
refused by the browser, Swagger UI at /api/docs/ still renders the API's operations (its
scripts, styles and icons are our own static files), and the page never even tried to
reach another host."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, Route, expect


def _offline(page: Page, server: str) -> list[str]:
    """Refuse every request not to ``server``, as a machine without a network would;
    the refused URLs are returned (filled as the page loads)."""
    refused: list[str] = []

    def route(route: Route) -> None:
        url = route.request.url
        if url.startswith(server + "/") or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            refused.append(url)
            route.abort("internetdisconnected")

    page.route("**/*", route)
    return refused


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_swagger_ui_renders_with_the_network_off(
    page: Page, live_server, screenshot: Callable[..., object]
) -> None:
    refused = _offline(page, live_server.url)

    page.goto(f"{live_server.url}/api/docs/")

    expect(page.locator(".opblock").first).to_be_visible()
    expect(page.locator(".info .title")).to_contain_text("servicedesk API")
    assert refused == []
    screenshot("swagger-offline")
