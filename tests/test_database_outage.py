"""PostgreSQL stopped for 10 s under a create load, against the production server
(deploy/serve.py: nginx, gunicorn, DEBUG off, persistent connections with health checks)
on a private PostgreSQL cluster of the test's own: every answer is a 201 or a JSON 503 with
``Retry-After``; once PostgreSQL is back, creates succeed again without restarting
anything; and a client that retries each 503 under its ``Idempotency-Key`` (docs/api.md)
ends with every incident it sent in the database exactly once, under the number its 201
gave. The retry matters: a commit cut off by the stop can land in PostgreSQL's log after
the answer to it was lost, so that request's 503 is ambiguous, and only its key makes the
retry replay the first answer instead of creating the incident twice. Then the connection
dies during a commit itself (before the commit record): 503, nothing saved."""

import http.client
import json
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from tests.conftest import token_for
from tests.services import PrivatePostgres, copy_test_database, free_port
from tests.test_production_server import HEADERS, ROOT, production_env

THREADS = 4
BEFORE, OUTAGE, AFTER = 2.0, 10.0, 3.0


@dataclass
class Answer:
    title: str
    sent: float
    status: int
    retry_after: str | None
    body: dict | None
    raw: bytes


def post_incident(port: int, token: str, title: str, key: str = "") -> Answer:
    sent = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    try:
        connection.request(
            "POST",
            "/api/v1/incidents/",
            body=json.dumps({"title": title, "description": "Load during an outage."}),
            headers={
                **HEADERS,
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                **({"Idempotency-Key": key} if key else {}),
            },
        )
        response = connection.getresponse()
        raw = response.read()
        is_json = response.getheader("Content-Type") == "application/json"
        return Answer(
            title,
            sent,
            response.status,
            response.getheader("Retry-After"),
            json.loads(raw) if is_json else None,
            raw[:300],
        )
    except OSError as error:
        return Answer(title, sent, 0, None, None, repr(error).encode())
    finally:
        connection.close()


def get(port: int, path: str, token: str = "") -> tuple[int, str, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    headers = {**HEADERS, **({"Authorization": f"Bearer {token}"} if token else {})}
    try:
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type") or "", response.read()
    finally:
        connection.close()


def load(port: int, token: str, thread: int, until: list[float], answers: list[Answer]) -> None:
    """POST until ``until[0]`` (moved once PostgreSQL is back), each incident under its own
    ``Idempotency-Key`` and sent again, under that key, until it is answered 201."""
    sequence = 0
    while time.monotonic() < until[0]:
        title = f"outage load {thread}-{sequence}"
        answer = post_incident(port, token, title, key=f"outage-{thread}-{sequence}")
        answers.append(answer)
        if answer.status == 201:
            sequence += 1
        else:
            time.sleep(0.1)  # as a client honouring Retry-After would, only sooner


@pytest.fixture
def server_on(tmp_path: Path, private_postgres: PrivatePostgres) -> Iterator[int]:
    env = production_env(tmp_path)
    env.update(DATABASE_URL=private_postgres.url(), API_RATE_USER="100000/min")
    (tmp_path / "static").mkdir()
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "deploy/serve.py", "--app", "servicedesk.wsgi:application",
         "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        cwd=ROOT, env=env,
    )  # fmt: skip
    try:
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_serving(port: int, token: str) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if get(port, "/api/v1/incidents/?page_size=1", token)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    pytest.fail("the production server did not answer within 30 s")


@pytest.mark.django_db(transaction=True)
def test_postgres_outage_under_create_load(private_postgres, server_on, agent):
    port = server_on  # booting while the database is copied
    token = token_for(agent)
    copy_test_database(private_postgres)
    wait_until_serving(port, token)
    for _ in range(4):  # both workers hold a persistent connection when PostgreSQL stops
        assert get(port, "/api/v1/incidents/?page_size=1", token)[0] == 200

    answers: list[Answer] = []
    until = [time.monotonic() + BEFORE + OUTAGE + AFTER + 30]
    threads = [
        threading.Thread(target=load, args=(port, token, n, until, answers), daemon=True)
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    time.sleep(BEFORE)
    private_postgres.stop("immediate")
    stopped = time.monotonic()
    time.sleep(1)
    during = {path: get(port, path, token) for path in ("/api/v1/incidents/", "/status/")}
    time.sleep(OUTAGE - 1)
    private_postgres.start()
    restarted = time.monotonic()
    until[0] = restarted + AFTER
    for thread in threads:
        thread.join(timeout=AFTER + 25)
    print(
        f"\n{len(answers)} creates: {sum(a.status == 201 for a in answers)} x 201, "
        f"{sum(a.status == 503 for a in answers)} x 503; outage {restarted - stopped:.1f} s"
    )

    # Every answer is a 201 or a JSON 503 with Retry-After.
    wrong = [a for a in answers if a.status not in (201, 503)]
    assert not wrong, [(a.status, a.raw) for a in wrong[:5]]
    for answer in answers:
        if answer.status == 503:
            assert answer.body is not None and answer.body["code"] == "unavailable", answer.raw
            assert answer.retry_after is not None and int(answer.retry_after) > 0
    # Reads during the outage: JSON 503 on the API, the 503 page on HTML pages.
    status, content_type, body = during["/api/v1/incidents/"]
    assert (status, content_type, json.loads(body)["code"]) == (
        503,
        "application/json",
        "unavailable",
    )
    status, content_type, body = during["/status/"]
    assert status == 503 and content_type.startswith("text/html") and b"unavailable" in body

    # The outage was felt, and creates succeeded before and after it.
    assert any(a.status == 503 for a in answers)
    assert any(a.status == 201 and a.sent < stopped for a in answers)
    recovered = [a for a in answers if a.sent > restarted + 1]
    assert recovered and all(a.status == 201 for a in recovered), [
        (a.status, a.raw) for a in recovered if a.status != 201
    ][:5]

    commit_fails_then_recovers(private_postgres, port, token)

    # The database holds exactly the incidents answered 201, once each, under the numbers
    # the 201s gave (a retry after an ambiguous 503 replays the first answer).
    answered = {a.body["number"]: a.title for a in answers if a.status == 201 and a.body}
    with psycopg.connect(private_postgres.url()) as connection:
        rows = connection.execute(
            "SELECT number, title FROM incidents_incident WHERE title LIKE 'outage load %'"
        ).fetchall()
    assert dict(rows) == answered
    assert len(set(answered.values())) == len(answered)


DIES_AT_COMMIT = """
CREATE FUNCTION die_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.title = 'dies at commit' THEN
        PERFORM pg_terminate_backend(pg_backend_pid());
        PERFORM pg_sleep(5);  -- the termination lands here, before the commit record
    END IF;
    RETURN NULL;
END $$;
CREATE CONSTRAINT TRIGGER die_at_commit AFTER INSERT ON incidents_incident
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION die_at_commit();
"""


def commit_fails_then_recovers(cluster: PrivatePostgres, port: int, token: str) -> None:
    """The connection dies during the commit itself (a deferred trigger ends its backend):
    503, nothing saved, and the next create on the same worker succeeds."""
    with psycopg.connect(cluster.url(), autocommit=True) as connection:
        connection.execute(DIES_AT_COMMIT)
    answer = post_incident(port, token, "dies at commit")
    assert answer.status == 503 and answer.body == {
        "code": "unavailable",
        "message": "The service is briefly unavailable; try again shortly.",
    }, answer.raw
    assert answer.retry_after == "5"
    for _ in range(4):  # both workers
        assert post_incident(port, token, "after the failed commit").status == 201
    with psycopg.connect(cluster.url()) as connection:
        titles = connection.execute(
            "SELECT title FROM incidents_incident WHERE title IN "
            "('dies at commit', 'after the failed commit')"
        ).fetchall()
    assert titles == [("after the failed commit",)] * 4
