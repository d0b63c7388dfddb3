"""The requests that were 500s (issue 11), replayed over real HTTP against the live test
server: each is now a 4xx with a JSON body and a stable ``code`` on the API, the friendly
page on the portal. Over HTTP because the test client would not put a NUL in a path the
way a client on the wire does."""

import http.client
import json
from urllib.parse import urlsplit

import pytest

from tests.conftest import token_for

DEEP = '{"title": ' + "[" * 3000 + "]" * 3000 + "}"
CURSORS = (
    "cD1ub3QtYS1kYXRlJnI9MQ==",  # p=not-a-date&r=1
    "bz05OTk5OTk5OTk5OTk5OTk5OTk5OSZwPTIwMjQ=",  # o=99999999999999999999&p=2024
    "cD0yMDI0LTAxLTAxVDAwOjAwOjAwKzAwOjAwAA==",  # p=2024-01-01T00:00:00+00:00 and a NUL
    "not-base64!",
)


class Client:
    """One raw HTTP request per call, paths sent exactly as written."""

    def __init__(self, url: str, headers: dict[str, str]) -> None:
        parts = urlsplit(url)
        self.host, self.port = parts.hostname or "", parts.port or 80
        self.headers = headers

    def send(
        self, method: str, path: str, body: str | bytes | None = None, **headers: str
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
        try:
            connection.request(method, path, body=body, headers={**self.headers, **headers})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def json(self, method: str, path: str, body: str | bytes | None = None) -> tuple[int, dict]:
        status, headers, content = self.send(
            method, path, body, **({"Content-Type": "application/json"} if body else {})
        )
        assert headers["Content-Type"] == "application/json", (path, content[:200])
        return status, json.loads(content)


@pytest.mark.django_db(transaction=True)
def test_each_request_that_was_a_500_is_a_4xx_with_a_code(
    live_server, agent, caller, make_incident, client
):
    incident = make_incident()
    api = Client(live_server.url, {"Authorization": f"Bearer {token_for(agent)}"})
    detail = f"/api/v1/incidents/{incident.number}/"

    # Parse limits: nesting refused before the decoder recurses; a body over the limit.
    for path in ("/api/v1/incidents/", f"{detail}comments/"):
        assert api.json("POST", path, DEEP) == (
            400,
            {
                "code": "too_deep",
                "message": "The JSON body nests arrays and objects deeper than 32 levels.",
            },
        )
    for megabytes in (3, 10):
        body = json.dumps({"title": "x", "description": "y" * megabytes * 1024 * 1024})
        status, error = api.json("POST", "/api/v1/incidents/", body)
        assert (status, error["code"]) == (413, "payload_too_large")
    status, error = api.json("POST", "/api/v1/incidents/", '{"title": "VPN", ')
    assert (status, error["code"]) == (400, "invalid_json")
    # A string PostgreSQL cannot store, in a move's input (no serializer field checks it).
    status, error = api.json(
        "POST",
        f"{detail}resolve/",
        '{"resolution_code": "solution_provided", "resolution_notes": "fixed\\u0000"}',
    )
    assert (status, error["code"], list(error["errors"])) == (400, "invalid", ["resolution_notes"])
    status, headers, content = api.send(
        "POST",
        f"{detail}resolve/",
        "resolution_code=solution_provided&resolution_notes=fixed%00",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 400 and json.loads(content)["errors"] == {
        "resolution_notes": ["Null characters are not allowed."]
    }
    incident.refresh_from_db()
    assert incident.resolved_at is None

    # Crafted cursors: 400 invalid_cursor (the schema's), not 404 or the database's error.
    for cursor in CURSORS:
        status, error = api.json("GET", f"/api/v1/incidents/?cursor={cursor}")
        assert (status, error["code"]) == (400, "invalid_cursor"), cursor

    # Filters refuse what PostgreSQL cannot take, naming the field.
    for query, field in (
        ("created_before=7688-06-10T09:58:56-18:58", "created_before"),
        ("updated_after=2024-01-01T00:00:00%2B16:00", "updated_after"),
        ("created_after=0001-01-01T00:00:00%2B05:00", "created_after"),  # year 0 in UTC
        ("search=VPN%00", "search"),
        ("status=1&x%00=1", "x"),
    ):
        status, error = api.json("GET", f"/api/v1/incidents/?{query}")
        assert (status, error["code"]) == (400, "invalid"), query
        assert list(error["errors"]) == [field]
    assert api.json("GET", "/api/v1/incidents/?created_before=7688-06-10T09:58:56-15:58")[0] == 200

    # A NUL in the number: not found, for every ticket type, before any query.
    for path in (
        "/api/v1/incidents/INC%00/",
        "/api/v1/incidents/INC%00/timeline/",
        f"{detail[:-1]}%00/",
        f"{detail[:-1]}%00/timeline/",
        "/api/v1/incidents/%00/",
        "/api/v1/incidents/%00/timeline/",
        "/api/v1/problems/PRB%00/",
        "/api/v1/changes/CHG%00/",
    ):
        assert api.json("GET", path) == (404, {"code": "not_found", "message": "Not found."})

    # Format suffixes (".json") were routes whose handlers did not take DRF's format
    # argument: a 500 on every move and sub-resource. There are no such routes now.
    for path in (f"{detail}timeline.json/", f"{detail}acknowledge.json/", f"{detail[:-1]}.json/"):
        assert api.json("GET", path) == (
            404,
            {"code": "not_found", "message": "There is no such endpoint."},
        ), path
    for path in (f"{detail}timeline.json", f"{detail}acknowledge.api"):
        status, headers, content = api.send("GET", path)
        assert status == 301 and headers["Location"].endswith(f"{path}/"), path
    incident.refresh_from_db()
    assert incident.acknowledged_at is None

    # The portal answers its own 404 page.
    client.force_login(caller)
    portal = Client(
        live_server.url,
        {"Cookie": f"sessionid={client.cookies['sessionid'].value}; csrftoken={'a' * 32}"},
    )
    status, headers, page = portal.send(
        "POST",
        "/incidents/INC%00/reply/",
        f"csrfmiddlewaretoken={'a' * 32}&body=Hello",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b"Page not found" in page
    # The same reply to the real number still works.
    status, _, _ = portal.send(
        "POST",
        f"/incidents/{incident.number}/reply/",
        f"csrfmiddlewaretoken={'a' * 32}&body=Hello",
        **{"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert status == 302
    assert incident.timeline.filter(body="Hello").exists()
