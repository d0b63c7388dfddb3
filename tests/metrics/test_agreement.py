"""Every metric equals the independent computation (``tests.metrics.reference``: Python
over the same rows) on the generated desk, for the whole history and sampled periods and
filter combinations."""

from collections.abc import Iterator
from typing import Any

import pytest

from metrics.backlog import backlog
from metrics.breakdown import DIMENSIONS, all_breakdowns, breakdown
from metrics.compliance import compliance
from metrics.durations import summary, summary_by_priority
from metrics.mtbf import mtbf_per_service, services_and_mtbf
from metrics.trend import weekly
from tests.metrics import reference as ref
from tests.metrics.conftest import desk_for_the_module, sampled_scopes
from tests.metrics.data import Desk

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def desk(django_db_setup: None, django_db_blocker: Any) -> Iterator[Desk]:
    with desk_for_the_module(django_db_blocker) as built:
        yield built


def close(a, b) -> bool:
    if a is None or b is None:
        return a is b
    return a == pytest.approx(b, rel=1e-9, abs=1e-6)


def test_the_generated_desk_has_every_kind_of_incident(desk):
    rows = ref.rows()
    assert len(rows) == 40
    assert any(r["impact_started_at"] for r in rows) and any(r["reopen_count"] for r in rows)
    assert any(r["reassignment_count"] for r in rows) and any(r["status"] == 8 for r in rows)
    assert any(r["resolved_at"] is None and r["status"] < 6 for r in rows)
    assert {r["made_sla"] for r in rows} == {True, False, None}


def test_mttx_and_rates_agree(desk):
    rows = ref.rows()
    for scope in sampled_scopes(desk):
        selected = ref.in_scope(rows, scope)
        result = summary(scope)
        assert result.incidents == len(selected)
        for stats in result.measures:
            expected = ref.stats(selected, stats.key)
            assert stats.count == expected["count"], (scope, stats.key)
            for name in ("mean", "p50", "p90"):
                assert close(getattr(stats, name), expected[name]), (scope, stats.key, name)
        assert_rates_agree(result, selected)
        per_priority = summary_by_priority(scope)
        assert [s.priority for s in per_priority] == sorted({r["priority"] for r in selected})
        for result in per_priority:
            these = [r for r in selected if r["priority"] == result.priority]
            assert result.incidents == len(these)
            for stats in result.measures:
                expected = ref.stats(these, stats.key)
                assert stats.count == expected["count"], (scope, result.priority, stats.key)
                for name in ("mean", "p50", "p90"):
                    assert close(getattr(stats, name), expected[name]), (scope, stats.key, name)
            assert_rates_agree(result, these)


def assert_rates_agree(result, selected: list[dict]) -> None:
    reopened = [1.0 if r["reopen_count"] else 0.0 for r in selected]
    moves = [r["reassignment_count"] for r in selected]
    assert close(result.reopen_rate, sum(reopened) / len(selected) if selected else None)
    assert result.reopened == sum(reopened)
    assert close(result.reassignments_per_incident, sum(moves) / len(moves) if moves else None)
    flags = [r["made_sla"] for r in selected if r["made_sla"] is not None]
    assert (result.made_sla_recorded, result.made_sla) == (len(flags), sum(flags))
    assert result.made_sla_rate == (sum(flags) / len(flags) if flags else None)


def test_the_weekly_trend_agrees(desk):
    rows = ref.rows()
    for scope in sampled_scopes(desk, count=6):
        selected = ref.in_scope(rows, scope)
        weeks = weekly(scope)
        assert weeks[0].start == ref.week_of(scope.start)
        assert sum(week.incidents for week in weeks) == len(selected)
        for week in weeks:
            these = [r for r in selected if ref.week_of(r["reported_at"]) == week.start]
            assert week.incidents == len(these)
            for stats in week.measures:
                expected = ref.stats(these, stats.key)
                assert stats.count == expected["count"]
                assert close(stats.mean, expected["mean"]) and close(stats.p50, expected["p50"])


def test_breakdowns_agree(desk):
    rows = ref.rows()
    fields = {"service": "service", "category": "category", "team": "assignment_group"}
    fields |= {"status": "status", "priority": "priority"}
    for scope in sampled_scopes(desk, count=6):
        selected = ref.in_scope(rows, scope)
        for dimension, field in fields.items():
            shares = breakdown(scope, dimension)
            expected = {}
            for r in selected:
                expected[r[field]] = expected.get(r[field], 0) + 1
            assert {s.id: s.incidents for s in shares} == expected
            counts = [s.incidents for s in shares]
            assert counts == sorted(counts, reverse=True)
            for share in shares:
                these = [r for r in selected if r[field] == share.id]
                assert share.open == sum(1 for r in these if r["status"] in (1, 2, 3))
                assert close(share.mttr_resolve_mean, ref.stats(these, "mttr_resolve")["mean"])


def test_the_three_breakdowns_from_one_scan_equal_one_query_each(desk):
    # The API's single statement (GROUPING SETS) answers what the per-dimension queries
    # answer, rows and order alike.
    for scope in sampled_scopes(desk, count=8):
        separate = [share for dimension in DIMENSIONS for share in breakdown(scope, dimension)]
        together = all_breakdowns(scope)
        assert [(s.dimension, s.id, s.name, s.incidents, s.open) for s in together] == [
            (s.dimension, s.id, s.name, s.incidents, s.open) for s in separate
        ]
        for a, b in zip(together, separate, strict=True):
            assert close(a.mttr_resolve_mean, b.mttr_resolve_mean)


def test_the_backlog_agrees(desk):
    rows = ref.rows()
    limits = [(0, 1), (1, 3), (3, 7), (7, 30), (30, None)]
    for scope in sampled_scopes(desk, count=8):
        open_rows = ref.open_at(rows, scope)
        buckets = backlog(scope)
        assert sum(b.incidents for b in buckets) == len(open_rows)
        for bucket, (low, high) in zip(buckets, limits, strict=True):
            ages = [(scope.at - r["reported_at"]).total_seconds() / 86400 for r in open_rows]
            inside = [a for a in ages if a >= low and (high is None or a < high)]
            assert bucket.incidents == len(inside), (scope, bucket)


def test_sla_compliance_agrees(desk):
    clocks = ref.clock_rows()
    stopped = [c for c in clocks if c["stopped_at"] and not c["cancelled_at"]]
    assert {c["made_sla"] for c in stopped} == {True, False}  # the desk has both
    for scope in sampled_scopes(desk):
        result = compliance(scope)
        for target in ("response", "resolution"):
            rows = [r for r in result if r.target == target]
            assert rows[0].priority is None
            assert (rows[0].clocks, rows[0].made) == tuple(
                ref.compliance(clocks, scope, target, None).values()
            )
            for row in rows[1:]:
                expected = ref.compliance(clocks, scope, target, row.priority)
                assert (row.clocks, row.made) == (expected["clocks"], expected["made"])
                assert row.clocks > 0
                assert close(row.rate, row.made / row.clocks)
            assert sum(r.clocks for r in rows[1:]) == rows[0].clocks


def test_mtbf_is_the_mean_of_the_gaps_between_consecutive_incidents(desk):
    rows = ref.rows()
    for scope in sampled_scopes(desk, count=8):
        selected = ref.in_scope(rows, scope)
        found = {m.service: m for m in mtbf_per_service(scope)}
        assert set(found) == {r["service"] for r in selected if r["service"] is not None}
        for service, row in found.items():
            gaps = ref.consecutive_gaps(selected, service)
            assert row.incidents == len(gaps) + 1
            assert close(row.mtbf, sum(gaps) / len(gaps) if gaps else None)


def test_the_pages_per_service_tables_from_one_query_equal_their_own_queries(desk):
    for scope in sampled_scopes(desk, count=8):
        for limit in (1, 3, 10):
            shares, per_service = services_and_mtbf(scope, limit)
            expected = breakdown(scope, "service", limit=limit)
            assert [(s.id, s.name, s.incidents, s.open) for s in shares] == [
                (s.id, s.name, s.incidents, s.open) for s in expected
            ]
            for a, b in zip(shares, expected, strict=True):
                assert close(a.mttr_resolve_mean, b.mttr_resolve_mean)
            assert per_service == mtbf_per_service(scope)
