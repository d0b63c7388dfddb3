"""Free-text search: numbers go to the number index, words to titles, names to callers;
every ticket type's title has its trigram index, and every list searches this way."""

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from incidents.models import Incident
from kernel.querysets import TicketQuerySet

pytestmark = pytest.mark.django_db


@pytest.fixture
def incidents(make_incident, stranger):
    return {
        "vpn": make_incident(title="VPN drops every few minutes"),
        "mail": make_incident(title="Cannot send email"),
        "stranger": make_incident(title="Printer jams", caller=stranger),
    }


def numbers(queryset) -> set[str]:
    return set(queryset.values_list("number", flat=True))


def test_search_by_full_number_and_prefix_any_case(incidents):
    vpn = incidents["vpn"]
    assert numbers(Incident.objects.search(vpn.number)) == {vpn.number}
    assert numbers(Incident.objects.search(vpn.number.lower())) == {vpn.number}
    assert numbers(Incident.objects.search("INC000")) == {i.number for i in incidents.values()}


def test_search_by_title_words_ignores_case(incidents):
    assert numbers(Incident.objects.search("  vpn DROPS ")) == {incidents["vpn"].number}


def test_search_by_caller_name_username_or_email(incidents, stranger):
    expected = {incidents["stranger"].number}
    assert numbers(Incident.objects.search("steve")) == expected
    assert numbers(Incident.objects.search("STEVE@example.com")) == expected
    assert numbers(Incident.objects.search("steve@")) == expected


def test_blank_search_returns_everything_and_no_match_returns_nothing(incidents):
    assert Incident.objects.search("   ").count() == 3
    assert Incident.objects.search("nothing like this").count() == 0


@pytest.mark.parametrize(
    ("table", "index"),
    [
        ("incidents_incident", "inc_title_trgm"),
        ("problems_problem", "prb_title_trgm"),
        ("changes_change", "chg_title_trgm"),
    ],
)
def test_every_ticket_title_has_a_trigram_index(table, index):
    if connection.vendor != "postgresql":
        pytest.skip("trigram indexes are PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
            [table, index],
        )
        (definition,) = cursor.fetchone()
    assert "gin_trgm_ops" in definition and "upper" in definition.lower()


@pytest.fixture
def search_spy(monkeypatch):
    """Records the terms ``TicketQuerySet.search`` is asked for, then searches."""
    terms: list[str] = []
    search = TicketQuerySet.search

    def spy(queryset, term):
        terms.append(term)
        return search(queryset, term)

    monkeypatch.setattr(TicketQuerySet, "search", spy)
    return terms


@pytest.mark.parametrize(
    "url",
    [
        "admin:problems_problem_changelist",
        "admin:changes_change_changelist",
        "/api/v1/problems/",
        "/api/v1/changes/",
    ],
)
def test_problem_and_change_lists_search_through_the_ticket_search(
    url, search_spy, agent, agent_api
):
    if url.startswith("admin:"):
        client = Client()
        client.force_login(agent)
        response = client.get(reverse(url), {"q": "mail"})
    else:
        response = agent_api.get(url, {"search": "mail"})

    assert response.status_code == 200
    assert search_spy == ["mail"]
