"""What the demo's incident timing must show once ``load_demo`` ran, read through the
metrics app's own summary (the figures the reports page and the API show): called from
tests/test_demo_data.py, which loads the demo once for all its checks."""

from metrics.durations import Stats, summary, summary_by_priority
from metrics.scope import Scope

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0  # seconds, as the metrics give them


def _medians(measures: tuple[Stats, ...]) -> dict[str, float]:
    return {m.key: m.p50 for m in measures if m.p50 is not None}


def assert_plausible_mtta_mttr() -> None:
    """Acknowledged minutes to hours after being reported, resolved hours to days after
    (not every event at the minute of the load: a median acknowledge of 31.9 days and a
    resolve 0.01 s after it, once); quicker for a P1 than for a P4."""
    scope = Scope.last()
    overall = summary(scope)
    counted = {m.key: m.count for m in overall.measures}
    assert counted["mtta"] >= 150 and counted["mttr_resolve"] >= 100, counted
    medians = _medians(overall.measures)
    assert 5 * MINUTE <= medians["mtta"] <= 12 * HOUR, medians["mtta"] / HOUR
    assert 2 * HOUR <= medians["mttr_resolve"] <= 7 * DAY, medians["mttr_resolve"] / HOUR
    assert medians["mttr_resolve"] >= 3 * medians["mtta"]
    by_priority = {row.priority: _medians(row.measures) for row in summary_by_priority(scope)}
    assert by_priority[1]["mtta"] < by_priority[4]["mtta"]
    assert by_priority[1]["mttr_resolve"] < by_priority[4]["mttr_resolve"]
