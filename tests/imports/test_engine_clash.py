"""An incident number that exists and was not imported from this source: the case is
rejected, every row with that reason, and the rest imports."""

import pytest

from imports.engine import import_incidents
from incidents.models import Incident
from incidents.workflow import incident_create
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


def test_a_number_of_ours_is_not_overwritten(agent):
    ours = incident_create(by=agent, title="Printer on fire")
    summary = import_incidents(
        ListFormat([closed_case(ours.number), closed_case("INC0500002")]), [], options=OPTIONS
    )
    assert (summary.created, summary.updates_imported) == (1, 4)
    reasons = {(r.line, r.number, r.reason) for r in summary.rejected}
    why = "the number exists and was not imported from testlist"
    assert reasons == {(line, ours.number, why) for line in (2, 3, 4, 5)}
    assert summary.accounted()
    ours.refresh_from_db()
    assert ours.title == "Printer on fire" and ours.history.count() == 1


def test_a_number_seen_twice_in_one_run_is_rejected_the_second_time():
    summary = import_incidents(
        ListFormat([closed_case("INC0500003"), closed_case("INC0500003")]), [], options=OPTIONS
    )
    assert summary.created == 1
    assert {r.reason for r in summary.rejected} == {"the number appears again (first at line 2)"}
    assert len(summary.rejected) == 4 and summary.accounted()
    assert Incident.objects.get(number="INC0500003").history.count() == 4


def test_our_numbering_goes_on_after_the_highest_imported_number(agent):
    import_incidents(ListFormat([closed_case("INC0500900")]), [], options=OPTIONS)
    assert incident_create(by=agent, title="Next").number == "INC0500901"


def test_a_number_of_unicode_digits_imports_as_text():
    # "INC²" passes str.isdigit() but not int(): it is no number of our sequence, and
    # the import keeps it as the text it is instead of stopping the run.
    summary = import_incidents(ListFormat([closed_case("INC²")]), [], options=OPTIONS)
    assert (summary.created, summary.rejected) == (1, [])
    assert Incident.objects.filter(number="INC²").exists()
