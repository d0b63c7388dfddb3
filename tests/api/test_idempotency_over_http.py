"""Twenty clients retrying at once with one ``Idempotency-Key``, through a real threaded
HTTP server, each on its own database connection: one incident."""

import json
import threading
import urllib.error
import urllib.request

import pytest
from rest_framework.authtoken.models import Token

from incidents.models import Incident
from kernel.models import IdempotencyKey

CLIENTS = 20


def post(url: str, token: str, body: dict, key: str) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Token {token}",
            "Content-Type": "application/json",
            "Idempotency-Key": key,
        },
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_retries_make_one_incident(live_server, agent, caller, service):
    token = Token.objects.create(user=agent).key
    url = f"{live_server.url}/api/v1/incidents/"
    body = {"title": "Checkout slow", "service": service.pk, "caller": caller.pk}
    start = threading.Barrier(CLIENTS)
    answers: list[tuple[int, dict, bytes]] = []

    def client() -> None:
        start.wait()
        answers.append(post(url, token, body, "report-at-once"))

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(answers) == CLIENTS
    assert Incident.objects.filter(title="Checkout slow").count() == 1
    created = [answer for answer in answers if answer[0] == 201]
    in_use = [answer for answer in answers if answer[0] == 409]
    assert len(created) + len(in_use) == CLIENTS, [answer[0] for answer in answers]
    # Each 201 is the one answer: the first, and replays of it once it committed.
    assert len({(body, headers["Location"]) for _, headers, body in created}) == 1
    assert sum("Idempotent-Replayed" not in headers for _, headers, _ in created) == 1
    for _, headers, content in in_use:
        assert json.loads(content)["code"] == "idempotency_key_in_use"
        assert headers["Retry-After"] == "1"

    # Once the first has finished, a late retry gets its answer.
    status, headers, content = post(url, token, body, "report-at-once")
    assert (status, content) == (201, created[0][2])
    assert headers["Idempotent-Replayed"] == "true"
    assert IdempotencyKey.objects.count() == 1
