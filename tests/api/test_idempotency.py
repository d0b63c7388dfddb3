"""An API POST sent with an ``Idempotency-Key`` happens once: retries get the first answer
back, byte for byte, and a key reused for another request is refused."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from incidents.models import Incident
from kernel.enums import TimelineKind
from kernel.models import IdempotencyKey
from tests.api.conftest import url
from tests.conftest import api_for

pytestmark = pytest.mark.django_db

REPORT = "/api/v1/incidents/"


@pytest.fixture
def body(service, caller):
    return {"title": "Checkout slow", "service": service.pk, "caller": caller.pk}


def post(client, path, body, key):
    return client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def answer(response) -> tuple:
    """What the client sees of an answer, replay header aside."""
    return (
        response.status_code,
        response.content,
        response["Content-Type"],
        response.get("Location"),
    )


def test_three_retries_make_one_incident_and_three_identical_answers(agent_api, body):
    responses = [post(agent_api, REPORT, body, "report-1") for _ in range(3)]

    assert Incident.objects.filter(title="Checkout slow").count() == 1
    assert responses[0].status_code == 201
    assert responses[0]["Location"].endswith(f"/api/v1/incidents/{responses[0].json()['number']}/")
    assert answer(responses[1]) == answer(responses[0]) == answer(responses[2])
    assert "Idempotent-Replayed" not in responses[0]
    assert responses[1]["Idempotent-Replayed"] == responses[2]["Idempotent-Replayed"] == "true"
    for replayed in responses[1:]:
        headers = {name: value for name, value in replayed.items() if name != "Idempotent-Replayed"}
        assert headers == dict(responses[0].items())


def test_a_key_reused_for_another_request_is_refused(agent_api, body):
    assert post(agent_api, REPORT, body, "report-1").status_code == 201

    other_body = post(agent_api, REPORT, {**body, "title": "Checkout down"}, "report-1")
    other_path = post(agent_api, "/api/v1/problems/", body, "report-1")

    for response in (other_body, other_path):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
    assert not Incident.objects.filter(title="Checkout down").exists()
    assert Incident.objects.count() == 1


def test_a_move_with_a_key_is_made_once(agent_api, incident):
    first = post(agent_api, url(incident, "acknowledge"), {}, "ack-1")
    again = post(agent_api, url(incident, "acknowledge"), {}, "ack-1")

    assert first.status_code == 200 and first.json()["status"] == 2
    assert answer(again) == answer(first) and again["Idempotent-Replayed"] == "true"
    assert incident.timeline.filter(verb="acknowledge").count() == 1
    # Without the key the same move is a new request, refused for the state it left.
    assert agent_api.post(url(incident, "acknowledge"), {}, format="json").status_code == 409


def test_a_comment_with_a_key_is_added_once(caller_api, incident):
    comment = {"body": "It still fails"}
    first = post(caller_api, url(incident, "comments"), comment, "comment-1")
    again = post(caller_api, url(incident, "comments"), comment, "comment-1")

    assert first.status_code == 201
    assert answer(again) == answer(first) and again["Idempotent-Replayed"] == "true"
    assert incident.timeline.filter(kind=TimelineKind.COMMENT).count() == 1


def test_a_refusal_is_kept_and_replayed_like_a_success(agent_api, incident):
    refused = post(agent_api, url(incident, "resolve"), {}, "resolve-1")
    assert refused.status_code == 400 and refused.json()["code"] == "invalid"

    again = post(agent_api, url(incident, "resolve"), {}, "resolve-1")

    assert answer(again) == answer(refused) and again["Idempotent-Replayed"] == "true"


def test_two_users_with_one_key_are_independent(agent, other_agent, body):
    mine = post(api_for(agent), REPORT, body, "same-key")
    theirs = post(api_for(other_agent), REPORT, body, "same-key")

    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs
    assert mine.json()["number"] != theirs.json()["number"]
    assert Incident.objects.filter(title="Checkout slow").count() == 2


@pytest.mark.parametrize("key", ["", "x" * 256, "caf\u00e9", "tab\there"])
def test_an_invalid_key_is_a_400(agent_api, body, key):
    response = post(agent_api, REPORT, body, key)

    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_invalid"
    assert not Incident.objects.exists()


def test_the_longest_key_is_accepted(agent_api, body):
    key = "~" * 255
    assert post(agent_api, REPORT, body, key).status_code == 201
    assert post(agent_api, REPORT, body, key)["Idempotent-Replayed"] == "true"


def test_without_a_key_each_post_is_its_own(agent_api, body):
    for _ in range(2):
        assert agent_api.post(REPORT, body, format="json").status_code == 201

    assert Incident.objects.filter(title="Checkout slow").count() == 2
    assert not IdempotencyKey.objects.exists()


def test_an_expired_key_answers_a_new_request(agent_api, body):
    first = post(agent_api, REPORT, body, "report-1")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))

    again = post(agent_api, REPORT, body, "report-1")

    assert again.status_code == 201 and "Idempotent-Replayed" not in again
    assert again.json()["number"] != first.json()["number"]
    assert IdempotencyKey.objects.get().created_at > timezone.now() - timedelta(minutes=1)


def failing_insert(table: str, when: str = "true") -> None:
    """A real failure inside the request's transaction: PostgreSQL refuses the row."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS trigger AS $$ BEGIN "
            "RAISE EXCEPTION 'refused by the test'; END $$ LANGUAGE plpgsql"
        )
        cursor.execute(
            f"CREATE TRIGGER refuse BEFORE INSERT ON {table} FOR EACH ROW "
            f"WHEN ({when}) EXECUTE FUNCTION refuse()"
        )


def test_a_5xx_releases_the_key_for_a_retry(agent_api, body):
    failing_insert("incidents_incident")
    agent_api.raise_request_exception = False

    crashed = post(agent_api, REPORT, body, "report-1")
    assert crashed.status_code == 500
    assert not IdempotencyKey.objects.exists()

    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER refuse ON incidents_incident")
    retried = post(agent_api, REPORT, body, "report-1")

    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried
    assert Incident.objects.count() == 1


def test_the_answer_is_kept_in_the_transaction_of_the_effect(agent_api, body):
    """When the answer cannot be kept, the incident is not made either: there is never an
    effect a retry would not replay."""
    failing_insert("kernel_idempotencykey")
    agent_api.raise_request_exception = False

    assert post(agent_api, REPORT, body, "report-1").status_code == 500
    assert not Incident.objects.exists()


def test_a_form_posted_in_a_browser_session_is_kept_too(agent, incident):
    """Signed in with a session, a form's CSRF check reads the body before the view: the
    key still sees the same bytes."""
    client = APIClient(enforce_csrf_checks=True)
    client.get("/admin/login/")  # a page with a form sets the CSRF cookie
    client.force_login(agent)
    form = {"body": "Rebooted the router"}
    answers = [
        client.post(
            url(incident, "work-notes"),
            form,
            format="multipart",
            HTTP_X_CSRFTOKEN=client.cookies["csrftoken"].value,
            HTTP_IDEMPOTENCY_KEY="note-1",
        )
        for _ in range(2)
    ]

    assert answers[0].status_code == 201
    assert answer(answers[1]) == answer(answers[0])
    assert incident.timeline.filter(kind=TimelineKind.WORK_NOTE).count() == 1
