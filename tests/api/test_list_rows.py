"""The incident list shows flat rows: what a queue needs, read as values, rendered by the
fast path exactly as DRF would render them. Opening one gives the full record."""

import pytest
from rest_framework import serializers
from rest_framework.test import APIRequestFactory

from incidents.api.serializers import IncidentListSerializer, IncidentSerializer
from incidents.models import Incident, Severity
from incidents.workflow import incident_move
from kernel.api.serializers import row_values
from tests.conftest import api_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def queue(make_incident, agent, other_agent, caller):
    caller.first_name, caller.last_name = "Carol", "Jones"
    caller.save()
    other_agent.first_name = other_agent.last_name = ""
    other_agent.save()
    major = make_incident(title="Checkout down", impact=1, urgency=1, severity=Severity.SEV1)
    incident_move(major, "acknowledge", by=agent)
    quiet = make_incident(title="Printer jams", impact=3, urgency=3, service=None)
    Incident.objects.filter(pk=quiet.pk).update(assigned_to=other_agent)
    return [major, quiet]


def test_a_row_shows_what_a_queue_needs_and_the_detail_the_rest(queue, agent, caller):
    client = api_for(agent)
    rows = {row["number"]: row for row in client.get("/api/v1/incidents/").json()["results"]}
    major, quiet = queue
    row = rows[major.number]
    assert row["title"] == "Checkout down"
    assert row["status_display"] == "In Progress"
    assert row["priority"] == 1 and row["priority_display"] == "1 - Critical"
    assert row["is_major"] is True
    assert row["caller"] == caller.pk and row["caller_name"] == "Carol Jones"
    assert row["service_name"] == major.service.name
    assert row["assignment_group_name"] == major.assignment_group.name
    assert row["assigned_to"] == agent.pk and row["assigned_to_name"] == str(agent)
    # What only the detail carries: per-record moves, links, long texts.
    assert not {"allowed_moves", "links", "description", "resolution_notes"} & set(row)
    detail = client.get(row["url"]).json()
    assert detail["number"] == major.number
    assert "acknowledge" not in detail["allowed_moves"] and "resolve" in detail["allowed_moves"]
    # A row with nothing to name shows nulls, and a user without a full name their username.
    other = rows[quiet.number]
    assert other["service"] is None and other["service_name"] is None
    assert other["is_major"] is False
    assert other["assigned_to_name"] == "bob"


def test_the_fast_path_renders_what_drf_renders(queue, agent):
    """``FlatRows`` decides per response what DRF decides per row and field; the output
    must be the same, value for value."""
    request = APIRequestFactory().get("/api/v1/incidents/")
    request.user = agent
    rows = list(Incident.objects.values(*row_values(IncidentListSerializer)).order_by("id"))
    context = {"request": request}
    fast = IncidentListSerializer(rows, many=True, context=context).data
    plain = serializers.ListSerializer(
        child=IncidentListSerializer(context=context), context=context
    ).to_representation(rows)
    assert [dict(row) for row in fast] == [dict(row) for row in plain]
    # ...and every value a row shares with the detail is the detail's.
    for row in fast:
        detail = IncidentSerializer(
            Incident.objects.get(number=row["number"]), context=context
        ).data
        for name in ("url", "title", "status", "status_display", "priority", "priority_display",
                     "severity", "is_major", "source", "hold_reason", "reported_at",
                     "created_at", "updated_at"):  # fmt: skip
            assert row[name] == detail[name], name


@pytest.mark.parametrize(
    ("path", "make"), [("/api/v1/problems/", "make_problem"), ("/api/v1/changes/", "make_change")]
)
def test_problems_and_changes_list_flat_rows_too(request, agent, path, make):
    """Every ticket type lists flat rows by the same rules; each row's values are its
    detail's."""
    ticket = request.getfixturevalue(make)()
    client = api_for(agent)
    [row] = client.get(path).json()["results"]
    assert not {"allowed_moves", "links", "description"} & set(row)
    detail = client.get(row["url"]).json()
    assert detail["number"] == row["number"] == ticket.number
    for name in ("title", "status", "status_display", "priority", "priority_display",
                 "created_at", "updated_at"):  # fmt: skip
        assert row[name] == detail[name], name
    assert row["assignment_group"] == detail["assignment_group"]["id"]
    assert row["assignment_group_name"] == detail["assignment_group"]["name"]
