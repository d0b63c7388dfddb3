"""Free-text search: numbers go to the number index, words to titles, names to callers."""

import pytest

from incidents.models import Incident

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
