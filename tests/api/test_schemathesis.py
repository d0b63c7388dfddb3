"""The OpenAPI schema is the API's contract: schemathesis generates requests for every
operation from the schema, sends them over HTTP to the live test server with an agent's
token, and runs every check on each answer (no 5xx, every status and body as documented,
valid requests accepted, invalid ones refused). Derandomized and bounded: a few examples
per operation, the same ones on every run.

Each move is tried on a ticket of its own in a state the move leaves from, so the positive
path runs; later examples meet the state the first one left (a documented 409).

By hand, against a running server: docs/api.md#the-contract."""

from datetime import date, timedelta
from typing import Any

import pytest
import schemathesis
from django.utils import timezone
from rest_framework import throttling
from schemathesis.config import SchemathesisConfig

from catalog.models import Category
from changes.models import Change
from changes.models import Status as ChangeStatus
from incidents.major import incident_assign_role, incident_link_major
from incidents.models import Incident, Role
from incidents.workflow import incident_move
from oncall.models import (
    EscalationLevel,
    EscalationPolicy,
    Override,
    Rotation,
    RotationMember,
    Schedule,
)
from problems.models import Problem
from problems.models import Status as ProblemStatus
from response.updates import stakeholder_add
from sla.models import Calendar, Clock, SlaDefinition
from tests.alerts import rows
from tests.conftest import token_for
from tests.factories import CHANGE_PATHS, PATHS, PROBLEM_PATHS

# Per operation and generation mode (valid and invalid data), besides the schema's own
# examples. Each operation's strategy costs most (schemathesis canonicalizes its schemas
# whatever the count), then each example a request and every check's: 3, as the caller's
# contract below, keeps every operation and mode covered at ~40% less time than 5 did.
EXAMPLES = 3
SEED = 20261202

# Operations whose bodies name other records: a schema-valid body may name an id or a
# number that does not exist, or break a rule across fields or of the record's state that
# a schema cannot express (a window not yet planned, nobody to escalate to); the API
# answers 400 with the field's message. ``positive_data_acceptance`` allows that 400 here
# (as schemathesis's own ST202 explanation advises) and nowhere else. A token's expiry has
# the server's limits (API_TOKEN_MAX_DAYS, no "never" unless API_TOKEN_ALLOW_NEVER).
ACCEPTED: list[str | int] = ["2xx", "3xx", 401, 403, 404, 409, 422, 429]
REFERENCES_OR_RULES = (
    r"^/api/v1/tokens/$",
    r"^/api/v1/(incidents|problems|changes)/$",
    r"^/api/v1/incidents/export\.csv$",  # the list's filters, as the list
    r"^/api/v1/(incidents|problems|changes)/\{number\}/$",
    r"/(escalate_group|escalate_manager|authorize|schedule|close_duplicate|status-updates)/$",
    r"/(link-incidents|resolve-incidents|caused-incidents|fixes-problems)/$",
    r"/response/(updates|stakeholders|roles|children|milestones|scribe|stars)/$",
    r"^/api/v1/(postmortems|action-items)/$",
    r"^/api/v1/postmortems/\{number\}/$",
    r"^/api/v1/action-items/\{id\}/$",
    r"/(reviewers|remove-reviewer)/$",
    # Reports: a period ends after it starts and within ten years; an id names a record.
    r"^/api/v1/metrics/",
    # On-call: an override names a schedule and a user, and ends after it starts.
    r"^/api/v1/oncall/",
)


def first_reachable[S](sources: Any, paths: dict[S, tuple[str, ...]]) -> S | None:
    return next((status for status in paths if status in sources), None)


@pytest.fixture
def desk(
    agent, manager, other_agent, team, service, category, subcategory,
    make_incident, incident_in, make_problem, problem_in, make_change, change_in,
) -> dict[str, dict[str, Any]]:  # fmt: skip
    """The records the operations run on: the path parameters of each operation."""
    service.is_public = True  # status updates need a service on the status page
    service.save()
    # Every incident below gets SLA clocks (their API, the incident detail's ``sla``).
    calendar = Calendar.objects.create(name="24x7", always_on=True)
    SlaDefinition.objects.create(
        name="Any", calendar=calendar, response_target=1, resolution_target=8
    )
    schedule = Schedule.objects.create(team=team, name="Primary", time_zone="UTC")
    rotation = Rotation.objects.create(
        schedule=schedule, period="daily", starts_on=date.today() - timedelta(days=3)
    )
    for position, user in enumerate((agent, other_agent)):
        RotationMember.objects.create(rotation=rotation, user=user, position=position)

    override = Override.objects.create(
        schedule=schedule,
        user=agent,
        starts_at=timezone.now(),
        ends_at=timezone.now() + timedelta(hours=8),
    )
    policy = EscalationPolicy.objects.create(name="Primary paging", team=team)
    EscalationLevel.objects.create(policy=policy, schedule=schedule)

    parameters: dict[str, dict[str, Any]] = {
        "/api/v1/teams/{team_id}/oncall/": {"team_id": team.pk},
        "/api/v1/oncall/schedules/{id}/": {"id": schedule.pk},
        "/api/v1/oncall/rotations/{id}/": {"id": rotation.pk},
        "/api/v1/oncall/overrides/{id}/": {"id": override.pk},
        "/api/v1/oncall/escalation-policies/{id}/": {"id": policy.pk},
        "/api/v1/teams/{id}/": {"id": team.pk},
        "/api/v1/services/{id}/": {"id": service.pk},
        "/api/v1/categories/{id}/": {"id": Category.objects.get(pk=subcategory.pk).pk},
    }
    # One open record per type for the reading and editing operations...
    tickets = {
        "incidents": make_incident(title="VPN drops every hour").number,
        "problems": problem_in(ProblemStatus.ROOT_CAUSE_ANALYSIS).number,
        "changes": change_in(ChangeStatus.AUTHORIZE).number,
    }
    for kind, number in tickets.items():
        for path in (
            "{number}/", "{number}/comments/", "{number}/work-notes/", "{number}/timeline/",
            "{number}/history/", "{number}/override-priority/", "{number}/status-updates/",
            "{number}/link-incidents/", "{number}/resolve-incidents/", "{number}/conflicts/",
            "{number}/caused-incidents/", "{number}/fixes-problems/", "{number}/approve/",
            "{number}/reject/", "{number}/alerts/",
        ):  # fmt: skip
            parameters[f"/api/v1/{kind}/{path}"] = {"number": number}
    # An alert on the open incident, for the alert list, its detail and the incident's.
    incident = Incident.objects.get(number=tickets["incidents"])
    parameters["/api/v1/alerts/{id}/"] = {"id": rows.alert(rows.integration(), incident).pk}
    # A major incident the agent leads the communications of, for the response's routes.
    major = incident_move(
        make_incident(title="Checkout down"), "declare", by=manager, reason="Every customer"
    )
    incident_assign_role(major, by=manager, role=Role.COMMUNICATIONS, user=agent)
    child = incident_link_major(make_incident(title="Cannot pay"), by=agent, parent=major)
    stakeholder = stakeholder_add(major, by=agent, user=other_agent)
    for path in (
        "updates/", "stakeholders/", "roles/", "children/", "milestones/", "scribe/",
        "stars/", "timeline/", "timeline.md",
    ):  # fmt: skip
        parameters[f"/api/v1/incidents/{{number}}/response/{path}"] = {"number": major.number}
    parameters["/api/v1/incidents/{number}/response/children/{child}/"] = {
        "number": major.number,
        "child": child.number,
    }
    parameters["/api/v1/incidents/{number}/response/roles/{role}/{user_id}/"] = {
        "number": major.number,
        "role": "communications",
        "user_id": agent.pk,
    }
    parameters["/api/v1/incidents/{number}/response/stakeholders/{stakeholder_id}/"] = {
        "number": major.number,
        "stakeholder_id": stakeholder.pk,
    }
    # ...and one per move, in a state the move leaves from.
    for move in Incident.moves:
        status = first_reachable(move.sources, PATHS)
        if status is not None:
            number = incident_in(status, title=f"Before {move.name}").number
            parameters[f"/api/v1/incidents/{{number}}/{move.name}/"] = {"number": number}
    for move in Problem.moves:
        status = first_reachable(move.sources, PROBLEM_PATHS)
        if status is not None:
            number = problem_in(status, title=f"Before {move.name}").number
            parameters[f"/api/v1/problems/{{number}}/{move.name}/"] = {"number": number}
    for day, move in enumerate(Change.moves, start=2):
        start = timezone.now() + timedelta(days=day)  # windows that do not conflict
        window = {"planned_start": start, "planned_end": start + timedelta(hours=1)}
        for kind, paths in CHANGE_PATHS.items():
            status = first_reachable(move.sources, paths)
            if status is not None:
                change = change_in(status, type=kind, title=f"Before {move.name}", **window)
                number = change.number
                parameters[f"/api/v1/changes/{{number}}/{move.name}/"] = {"number": number}
                break
    # A postmortem to read and edit, one in review for its moves, an action item.
    from postmortems.action_items import action_item_create
    from postmortems.workflow import (
        postmortem_add_reviewer,
        postmortem_create_for,
        postmortem_move,
    )

    draft = postmortem_create_for(incident_in(6, title="Reviewed"), by=agent)
    for path in (
        "{number}/", "{number}/comments/", "{number}/work-notes/", "{number}/timeline/",
        "{number}/history/", "{number}/override-priority/", "{number}/reviewers/",
        "{number}/remove-reviewer/", "{number}/markdown/", "{number}/open-problem/",
        "{number}/submit/", "{number}/refresh-facts/",
    ):  # fmt: skip
        parameters[f"/api/v1/postmortems/{path}"] = {"number": draft.number}
    review = postmortem_create_for(incident_in(6, title="In review"), by=manager)
    postmortem_add_reviewer(review, by=manager, user=agent)
    review = postmortem_move(review, "submit", by=manager)
    for move in ("approve", "request_changes", "publish"):
        parameters[f"/api/v1/postmortems/{{number}}/{move}/"] = {"number": review.number}
    item = action_item_create(draft, by=agent, title="Follow up", owner=agent)
    for path in ("{id}/", "{id}/move/", "{id}/open-problem/"):
        parameters[f"/api/v1/action-items/{path}"] = {"id": item.pk}
    parameters["/api/v1/sla/clocks/{id}/"] = {"id": Clock.objects.earliest("id").pk}
    return parameters


def contract_config(
    token: str, parameters: dict[str, dict[str, Any]], examples: int = EXAMPLES
) -> SchemathesisConfig:
    operations: list[dict[str, Any]] = [
        {"include-path": path, "parameters": {f"path.{k}": v for k, v in values.items()}}
        for path, values in parameters.items()
    ]
    operations += [
        {
            "include-path-regex": pattern,
            "checks": {"positive_data_acceptance": {"expected-statuses": [*ACCEPTED, 400]}},
        }
        for pattern in REFERENCES_OR_RULES
    ]  # fmt: skip
    return SchemathesisConfig.from_dict(
        {
            "seed": SEED,
            # As the scheme the schema declares, so the auth checks can swap it for a wrong one.
            "auth": {"openapi": {"tokenAuth": {"bearer": token}}},
            # Generated Idempotency-Keys repeat across operations, and a key sent again with
            # another request is the documented 422 ``idempotency_key_reused`` (what a key
            # does: tests/api/test_idempotency*.py).
            "checks": {"positive_data_acceptance": {"expected-statuses": ACCEPTED}},
            "generation": {
                "max-examples": examples,
                "deterministic": True,
                "database": "none",
            },
            # A cursor is opaque: one not taken from a page's next/previous link is the
            # documented 400 ``invalid_cursor`` (crafted ones: tests/api/test_edge_errors.py),
            # so a generated one would only ever test that refusal.
            "parameters": {"query.cursor": ""},
            "phases": {
                "examples": {"enabled": True},
                "fuzzing": {"enabled": True},
                "coverage": {"enabled": False},
                "stateful": {"enabled": False},
            },
            "operations": operations,
        }
    )


@pytest.fixture
def contract(live_server, agent, desk, monkeypatch, request, settings) -> Any:
    # schemathesis 4.32 names each operation's subtest through ``Node._nodeid``, which
    # pytest 9.2 no longer has (its node ids are structured now): give it one to rename.
    request.node._nodeid = request.node.nodeid
    # The suite's requests come from one user in a few seconds: DRF's per-user rate would
    # answer 429 to most of them (a documented answer, but one that tests nothing).
    monkeypatch.setattr(
        throttling.SimpleRateThrottle, "THROTTLE_RATES", {"user": None, "anon": None}
    )
    # Its auth checks send wrong tokens on purpose: the address must not be blocked for them.
    settings.API_TOKEN_FAILURE_LIMIT = 1_000_000
    token = token_for(agent)
    return schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/", config=contract_config(token, desk)
    )


schema = schemathesis.pytest.from_fixture("contract")


@pytest.mark.django_db(transaction=True)
@schema.parametrize()
def test_the_api_keeps_its_contract(case: Any) -> None:
    case.call_and_validate()


# What an end user (a caller) uses: their incidents, their comments and timeline, the
# moves a caller may make, and the catalog they report against.
CALLER_ROUTES = (
    r"^/api/v1/incidents/$|^/api/v1/incidents/\{number\}/"
    r"(comments/|timeline/|confirm/|reopen/|resume/)?$|^/api/v1/(services|categories|search)/$"
)


@pytest.fixture
def caller_contract(
    live_server, caller, make_incident, incident_in, monkeypatch, request, settings
) -> Any:
    request.node._nodeid = request.node.nodeid  # see ``contract``
    unlimited = {"user": None, "anon": None}
    monkeypatch.setattr(throttling.SimpleRateThrottle, "THROTTLE_RATES", unlimited)
    settings.API_TOKEN_FAILURE_LIMIT = 1_000_000  # see ``contract``
    own = make_incident(title="My laptop will not boot").number
    parameters = {
        f"/api/v1/incidents/{{number}}/{path}": {"number": own}
        for path in ("", "comments/", "timeline/")
    }
    for move, status in (("confirm", 6), ("reopen", 6), ("resume", 3)):
        number = incident_in(status, title=f"Before {move}").number
        parameters[f"/api/v1/incidents/{{number}}/{move}/"] = {"number": number}
    token = token_for(caller)
    return schemathesis.openapi.from_url(
        f"{live_server.url}/api/schema/", config=contract_config(token, parameters, examples=3)
    )


caller_schema = schemathesis.pytest.from_fixture("caller_contract").include(
    path_regex=CALLER_ROUTES
)


@pytest.mark.django_db(transaction=True)
@caller_schema.parametrize()
def test_an_end_user_meets_the_same_contract(case: Any) -> None:
    case.call_and_validate()
