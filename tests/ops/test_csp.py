"""The Content-Security-Policy on every kind of response: portal, admin, status page, API
docs, API JSON, error pages, /health/; inline styles carry the response's nonce, and no
template has an inline script, an event handler or a style attribute the policy refuses."""

import re
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
# Mail bodies are read by mail clients, not served under the policy.
NOT_SERVED = {"notifications/email.html"}

PAGES = [
    ("/accounts/login/", 200),  # portal
    ("/admin/login/", 200),  # admin
    ("/status/", 200),  # status page
    ("/api/docs/", 200),  # Swagger UI
    ("/api/schema/", 200),
    ("/api/v1/incidents/", 401),  # API JSON, refused
    ("/no-such-page/", 404),  # error page
    ("/health/", 200),
]


def directives(header: str) -> dict[str, str]:
    return dict(d.split(" ", 1) for d in header.split("; "))


@pytest.mark.parametrize(("path", "status"), PAGES)
def test_every_response_carries_the_policy(client, path, status):
    response = client.get(path)

    assert response.status_code == status
    policy = directives(response["Content-Security-Policy"])
    assert policy["default-src"] == "'self'"
    assert policy["script-src"].startswith("'self'")
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert policy["object-src"] == policy["base-uri"] == policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"


def test_inline_styles_carry_the_nonce_of_their_response(client):
    first = client.get("/status/")
    second = client.get("/status/")

    nonces = []
    for response in (first, second):
        nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
        assert f'<style nonce="{nonce}">' in response.content.decode()
        nonces.append(nonce)
    assert nonces[0] != nonces[1]  # fresh for every response


def test_swagger_ui_is_served_from_our_own_static_files(client):
    html = client.get("/api/docs/").content.decode()

    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    assert "<script>" not in html  # the start-up script is a file of its own (?script)
    assert client.get("/api/docs/?script").status_code == 200


def test_no_template_needs_unsafe_inline():
    offences = []
    for path in sorted((ROOT / "templates").rglob("*.html")):
        name = str(path.relative_to(ROOT / "templates"))
        if name in NOT_SERVED:
            continue
        text = path.read_text()
        for pattern, what in (
            (r"\sstyle=", "a style attribute"),
            (r"\son[a-z]+=", "an inline event handler"),
            (r"javascript:", "a javascript: URL"),
            (r"<(script|style)(?![^>]*\bsrc=)(?![^>]*csp_nonce_attr)[^>]*>", "no nonce"),
        ):
            offences += [f"{name}: {what}: {m.group(0)!r}" for m in re.finditer(pattern, text)]
    assert not offences, "\n".join(offences)
