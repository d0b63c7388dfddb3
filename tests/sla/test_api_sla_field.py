"""The incident's API detail carries its SLA clocks for agents (the deadline, the time
left, paused or not, the stamps, made or missed); callers get an empty list. The
incident's own ``made_sla`` is there for everyone."""

from datetime import UTC, datetime, timedelta

from tests.conftest import api_for
from tests.sla.support import at, move

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_agents_see_the_clocks_callers_do_not(make_incident, agent, caller, always, define):
    define("P3 24x7", always, response_target=1, resolution_target=8)
    with at(T0):
        incident = make_incident()
    move(incident, "acknowledge", T0 + timedelta(minutes=90), agent)
    url = f"/api/v1/incidents/{incident.number}/"
    with at(T0 + timedelta(hours=2)):
        body = api_for(agent).get(url).json()
        assert api_for(caller).get(url).json()["sla"] == []
    assert body["made_sla"] is None  # the resolution clock still runs
    clocks = {clock["target"]: clock for clock in body["sla"]}
    assert clocks["resolution"] == {
        "target": "resolution",
        "definition": "P3 24x7",
        "target_seconds": 8 * 3600,
        "due": "2026-03-02T16:00:00Z",
        "time_left_seconds": 6 * 3600,
        "paused": False,
        "stopped_at": None,
        "warned_at": None,
        "breached_at": None,
        "made_sla": None,
    }
    response = clocks["response"]
    assert response["made_sla"] is False and response["due"] is None
    assert response["breached_at"] == "2026-03-02T09:00:00Z"
    assert response["stopped_at"] == "2026-03-02T09:30:00Z"
