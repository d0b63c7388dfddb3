"""My incidents: newest activity first, filtered, paginated, in a constant number of queries."""

import pytest

from incidents.models import Status
from incidents.workflow import incident_add_note

pytestmark = pytest.mark.django_db


def test_newest_activity_first_and_filters(portal, make_incident, incident_in, agent):
    old = make_incident(title="Old one")
    new = make_incident(title="New one")
    closed = incident_in(Status.CLOSED, title="Done one")
    incident_add_note(old, by=agent, body="news", internal=False)  # old has the latest activity
    page = portal.get("/incidents/").content.decode()
    assert page.index("Old one") < page.index("New one")
    assert "Done one" not in page and "Received" in page and "Email" in page
    closed_page = portal.get("/incidents/?show=closed").content.decode()
    assert "Done one" in closed_page and "Old one" not in closed_page
    assert {"Old one", "New one", "Done one"} <= {
        t
        for t in ("Old one", "New one", "Done one")
        if t in portal.get("/incidents/?show=all").content.decode()
    }
    assert new.number in page and closed.number in closed_page


def test_paginated(portal, make_incident):
    for i in range(30):
        make_incident(title=f"Row {i}")
    first = portal.get("/incidents/").content.decode()
    assert "Page 1 of 2" in first and first.count("<tr>") == 26
    assert portal.get("/incidents/?page=2").content.decode().count("<tr>") == 6


@pytest.mark.parametrize("rows", [5, 50])
def test_query_count_does_not_grow(portal, make_incident, django_assert_max_num_queries, rows):
    for i in range(rows):
        make_incident(title=f"Row {i}")
    portal.get("/incidents/")  # warm the session
    with django_assert_max_num_queries(5):
        response = portal.get("/incidents/")
    assert response.status_code == 200
