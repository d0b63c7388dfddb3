"""Browsers ask for /favicon.ico whatever a page says (a JSON answer, the API's docs, a
feed opened in a tab): it is the product's icon, small, and kept by the browser a week
instead of a 404 page every time."""

import pytest
from django.test import Client

from servicedesk.settings import ROOT_FILES_MAX_AGE, _root_file_headers


@pytest.mark.parametrize("method", ["get", "head"])
def test_the_icon_is_served_at_the_root_and_cached(method):
    response = getattr(Client(), method)("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response["Cache-Control"] == f"public, max-age={ROOT_FILES_MAX_AGE}"
    if method == "get":
        body = b"".join(response.streaming_content)
        assert body[:4] == b"\x00\x00\x01\x00"  # an icon file's header
        assert len(body) < 2_000


def test_static_files_keep_whitenoises_minute():
    # Their names carry no hash: a week would show last release's CSS after a deploy.
    headers: dict[str, str] = {"Cache-Control": "max-age=60, public"}
    _root_file_headers(headers, "/srv/static/kernel/favicon.svg", "/static/kernel/favicon.svg")
    assert headers["Cache-Control"] == "max-age=60, public"
