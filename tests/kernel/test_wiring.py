"""Each app's ``wiring.connect()`` lists what it plugs into; running it again (``ready()``
may run more than once) changes nothing, and the incident and problem lists offer the
actions other apps plug in, to those allowed to use them."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from changes.models import Change
from incidents.models import Incident
from kernel import events
from kernel.admin import actions, panels
from kernel.links import relations_of
from kernel.priority import recalculated_models
from problems.models import Problem

pytestmark = pytest.mark.django_db

WIRED = [
    "incidents",
    "problems",
    "changes",
    "notifications",
    "oncall",
    "statuspage",
    "response",
]


def registered() -> dict[str, object]:
    return {
        "relations": {m: [r.name for r in relations_of(m)] for m in (Incident, Problem, Change)},
        "panels": {m: list(panels._sources.get(m, ())) for m in (Incident, Problem, Change)},
        "actions": {m: actions.admin_actions_for(m) for m in (Incident, Problem, Change)},
        "recalculated": recalculated_models(),
        "handlers": dict(events._handlers),
    }


def test_ready_twice_registers_nothing_twice():
    before = registered()

    for label in WIRED:
        apps.get_app_config(label).ready()

    assert registered() == before
    assert before["relations"][Incident] == ["problem", "caused_by_change"]
    assert [action.__name__ for action in before["actions"][Incident]] == [
        "create_problem",
        "link_to_problem",
        "mark_caused_by_change",
        "link_to_major_incident",
    ]


def offered(model, user) -> list[str]:
    request = RequestFactory().get("/")
    request.user = user
    return list(admin.site.get_model_admin(model).get_actions(request))


def test_plugged_actions_follow_the_permissions(agent, caller):
    assert {"create_problem", "link_to_problem", "mark_caused_by_change"} <= set(
        offered(Incident, agent)
    )
    assert "mark_fixed_by_change" in offered(Problem, agent)
    caller.is_staff = True  # staff without the "change" permission: no plugged action
    assert not {"create_problem", "mark_caused_by_change"} & set(offered(Incident, caller))
