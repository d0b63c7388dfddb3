"""SQLite (``make run``) has no percentile_cont: ``metrics.sqlite`` registers one. It must
mean the same as PostgreSQL's, on bare numbers and on a whole report run on SQLite over a
copy of the same incidents."""

import random
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection, connections
from django.db.backends.sqlite3.base import DatabaseWrapper

from catalog.models import Category, Service, Team
from incidents.models import Incident
from metrics.breakdown import DIMENSIONS, all_breakdowns, breakdown
from metrics.durations import summary
from metrics.scope import Scope
from metrics.sqlite import register
from metrics.trend import weekly
from tests.metrics import reference as ref
from tests.metrics.conftest import desk_for_the_module, sampled_scopes
from tests.metrics.data import Desk

pytestmark = pytest.mark.django_db
ALIAS = "metrics_sqlite"


@pytest.fixture(scope="module")
def desk(django_db_setup: None, django_db_blocker: Any) -> Iterator[Desk]:
    """Built once: these tests only read it (each copies it to SQLite)."""
    with desk_for_the_module(django_db_blocker) as built:
        yield built


def samples(count: int = 300) -> list[tuple[list[float], float]]:
    rng = random.Random(14)
    drawn = []
    for _ in range(count):
        values = [
            round(rng.uniform(-1e6, 1e6), rng.choice([0, 3, 6])) for _ in range(rng.randint(1, 40))
        ]
        if rng.random() < 0.3:  # ties
            values += values[: rng.randint(1, len(values))]
        drawn.append((values, rng.choice([0.0, 0.1, 0.25, 0.5, 0.9, 0.99, 1.0, rng.random()])))
    return drawn


def test_the_sqlite_aggregate_equals_postgresql_percentile_cont():
    import sqlite3

    lite = sqlite3.connect(":memory:")
    register(lite)
    lite.execute("CREATE TABLE t (x REAL)")
    with connection.cursor() as pg:
        for values, fraction in samples():
            pg.execute(
                "SELECT percentile_cont(%s) WITHIN GROUP (ORDER BY x) FROM unnest(%s::float8[]) x",
                [fraction, values],
            )
            expected = pg.fetchone()[0]
            lite.execute("DELETE FROM t")
            lite.executemany("INSERT INTO t VALUES (?)", [(v,) for v in [*values, None]])
            got = lite.execute("SELECT sd_percentile_cont(x, ?) FROM t", [fraction]).fetchone()[0]
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-9), (values, fraction)
            assert got == pytest.approx(ref.percentile(values, fraction), rel=1e-12, abs=1e-9)
    assert lite.execute("SELECT sd_percentile_cont(x, 0.5) FROM t WHERE 0").fetchone()[0] is None


@pytest.fixture
def sqlite_copy(desk):
    """The desk's incidents (and the names the breakdowns show) copied into an in-memory
    SQLite database, as ``ALIAS``."""
    settings_dict = {**connections.settings["default"], "ENGINE": "django.db.backends.sqlite3"}
    settings_dict |= {"NAME": ":memory:", "TEST": {"NAME": ":memory:"}, "OPTIONS": {}}
    lite = DatabaseWrapper(settings_dict, alias=ALIAS)
    connections[ALIAS] = lite
    try:
        copied = (Team, Service, Category, Incident)
        with lite.schema_editor() as editor:
            for model in copied:
                editor.create_model(model)
        with lite.constraint_checks_disabled():  # only these tables are copied
            for model in copied:
                model.objects.using(ALIAS).bulk_create(model.objects.all())
        yield ALIAS
    finally:
        lite.close()
        del connections[ALIAS]


def close(a, b) -> bool:
    # SQLite's durations are rounded to the millisecond (metrics.expressions.Seconds).
    return a is b if a is None or b is None else a == pytest.approx(b, abs=2e-3)


def test_a_report_on_sqlite_equals_the_one_on_postgresql(desk, sqlite_copy):
    assert Incident.objects.using(sqlite_copy).count() == len(desk.incidents)
    for scope in sampled_scopes(desk, count=8):
        lite = Scope(**{**scope.__dict__, "using": sqlite_copy})
        on_pg, on_lite = summary(scope), summary(lite)
        assert on_lite.incidents == on_pg.incidents
        assert close(on_lite.reopen_rate, on_pg.reopen_rate)
        for a, b in zip(on_lite.measures, on_pg.measures, strict=True):
            assert a.count == b.count
            assert close(a.mean, b.mean) and close(a.p50, b.p50) and close(a.p90, b.p90), a.key
        for a, b in zip(weekly(lite), weekly(scope), strict=True):
            assert (a.start, a.incidents) == (b.start, b.incidents)
            assert all(close(x.p50, y.p50) for x, y in zip(a.measures, b.measures, strict=True))


def test_the_breakdowns_on_sqlite_equal_the_ones_on_postgresql(desk, sqlite_copy):
    # SQLite has no GROUPING SETS: all_breakdowns groups there once per dimension.
    for scope in sampled_scopes(desk, count=8):
        lite = Scope(**{**scope.__dict__, "using": sqlite_copy})
        together = all_breakdowns(lite)
        separate = [share for dimension in DIMENSIONS for share in breakdown(lite, dimension)]
        on_pg = all_breakdowns(scope)
        for a, b in zip(together, separate, strict=True):
            assert (a.dimension, a.id, a.name, a.incidents, a.open) == (
                b.dimension,
                b.id,
                b.name,
                b.incidents,
                b.open,
            )
            assert close(a.mttr_resolve_mean, b.mttr_resolve_mean)
        on_lite = {(s.dimension, s.id): s for s in together}
        assert len(on_lite) == len(together) == len(on_pg)
        for b in on_pg:
            a = on_lite[(b.dimension, b.id)]
            assert (a.name, a.incidents, a.open) == (b.name, b.incidents, b.open)
            assert close(a.mttr_resolve_mean, b.mttr_resolve_mean)
