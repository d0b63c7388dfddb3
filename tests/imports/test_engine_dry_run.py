"""A dry run does all the work and rolls it back: the summary says what a real run would
do, and nothing but the run's own log row is written."""

import pytest

from accounts.models import User
from catalog.models import Team
from imports.engine import import_incidents
from imports.models import ImportRun
from incidents.models import Incident, IncidentTimelineEntry
from problems.models import Problem
from tests.imports.cases import OPTIONS, ListFormat, closed_case

pytestmark = pytest.mark.django_db


def test_a_dry_run_writes_nothing_and_says_what_a_run_would_do():
    items = [closed_case(f"INC04{i:05d}", start=i, problems=("PRB 1",)) for i in range(5)]
    users = User.objects.count()
    dry = import_incidents(ListFormat(items), [], options=OPTIONS, dry_run=True, batch_size=2)
    assert (dry.dry_run, dry.created, dry.updates_imported, dry.batches) == (True, 5, 20, 3)
    assert dry.lookups_created["problems"] == 1
    assert Incident.objects.count() == 0
    assert Incident.history.model.objects.count() == IncidentTimelineEntry.objects.count() == 0
    assert (User.objects.count(), Team.objects.count(), Problem.objects.count()) == (users, 0, 0)
    run = ImportRun.objects.get()
    assert (run.dry_run, run.status, run.summary["created"]) == (True, "finished", 5)
    real = import_incidents(ListFormat(items), [], options=OPTIONS)
    assert (real.created, real.updates_imported) == (dry.created, dry.updates_imported)
