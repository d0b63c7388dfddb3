"""What schemathesis found the API doing against its schema, each pinned by one request:
valid requests accepted, invalid ones refused with the documented 400."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api.conftest import url

pytestmark = pytest.mark.django_db
LIST = "/api/v1/incidents/"


def test_a_filter_on_an_id_that_matches_nothing_is_an_empty_list(agent_api, incident):
    for path, query in [
        (LIST, {"service": 0, "assignment_group": 99999}),
        ("/api/v1/problems/", {"category": 0}),
        ("/api/v1/changes/", {"service": 0}),
        ("/api/v1/categories/", {"parent": 0}),
    ]:
        response = agent_api.get(path, query)
        assert (response.status_code, response.json()["results"]) == (200, []), path
    assert [row["number"] for row in agent_api.get(LIST, {"service": incident.service_id}).json()[
        "results"
    ]] == [incident.number]  # fmt: skip


@pytest.mark.parametrize(
    "query",
    [
        "page_size=0",
        "page_size=501",
        "page_size=ten",
        "page_size=2.5",
        "page_size=5&page_size=6",
        "service=1&service=2",
        "open=null",
        "created_after=",
        "assigned_to=someone",
    ],
)
def test_a_malformed_query_is_a_400_naming_the_parameter(agent_api, incident, query):
    response = agent_api.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
    assert query.split("=")[0] in response.json()["errors"]


def test_a_json_value_of_the_wrong_type_is_refused(agent_api, incident):
    response = agent_api.post(url(incident, "comments"), {"body": 0}, format="json")
    assert response.status_code == 400 and response.json()["errors"] == {
        "body": ["Incorrect type."]
    }
    response = agent_api.patch(url(incident), {"impact": "1"}, format="json")
    assert response.status_code == 400 and "impact" in response.json()["errors"]
    assert incident.timeline.filter(kind="comment").count() == 0


def test_unset_choices_are_null(agent_api, incident):
    body = agent_api.get(url(incident)).json()
    assert (body["hold_reason"], body["resolution_code"], body["close_code"]) == (None,) * 3
    row = agent_api.get(LIST).json()["results"][0]
    assert row["hold_reason"] is None


def test_a_change_window_ending_before_it_starts_is_a_400(agent_api, make_change):
    change = make_change()
    end = (timezone.now() - timedelta(days=30)).isoformat()
    response = agent_api.patch(
        f"/api/v1/changes/{change.number}/", {"planned_end": end}, format="json"
    )
    assert response.status_code == 400
    assert "planned_end" in response.json()["errors"]
    change.refresh_from_db()
    assert change.planned_end > change.planned_start


def test_a_move_refuses_null_characters(agent_api, incident):
    response = agent_api.post(url(incident, "hold"), {"hold_reason": "awaiting_caller",
                              "note": "wait\x00"}, format="json")  # fmt: skip
    assert response.status_code == 400 and "note" in response.json()["errors"]
