"""What the metrics API answers: each table's rows under ``rows``, its period and the
figures beside it (``metrics.tables``). Output only; seconds are floats, null when no
incident has both timestamps."""

from typing import Any

from rest_framework import serializers

from kernel.enums import Priority
from metrics.backlog import BUCKETS
from metrics.breakdown import DIMENSIONS
from metrics.durations import MEASURES
from metrics.tables import STATS
from metrics.trend import TREND_MEASURES
from sla.models import Target

Serializer = serializers.Serializer


def seconds(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(allow_null=True, help_text=help_text)


def stats_fields(prefix: str = "") -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    helps = {
        "count": "Incidents with both timestamps.",
        "mean": "Mean, in seconds.",
        "p50": "Median (continuous percentile), in seconds.",
        "p90": "90th percentile (continuous), in seconds.",
    }
    return {
        f"{prefix}{stat}": serializers.IntegerField(help_text=helps[stat])
        if stat == "count"
        else seconds(helps[stat])
        for stat in STATS
    }


def table(name: str, row: type[Serializer[Any]], doc: str, **extra: Any) -> type[Serializer[Any]]:
    """The envelope of one table, as a named serializer (a schema component)."""
    fields = {
        "from": serializers.DateTimeField(help_text="Start of the period."),
        "to": serializers.DateTimeField(help_text="End of the period (excluded)."),
        **extra,
        "rows": row(many=True),
    }
    built: type[Serializer[Any]] = serializers.SerializerMetaclass(
        name, (Serializer,), {**fields, "__doc__": doc}
    )
    return built


MeasureRow = serializers.SerializerMetaclass(
    "MetricsMeasureRow",
    (Serializer,),
    {
        "measure": serializers.ChoiceField(choices=[m.key for m in MEASURES]),
        "label": serializers.CharField(),
        **stats_fields(),
    },
)


def rate_fields() -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """A summary's counts and rates (``metrics.tables.RATES``)."""
    return {
        "reopened": serializers.IntegerField(help_text="Incidents reopened at least once."),
        "reopen_rate": serializers.FloatField(
            allow_null=True, help_text="Share reopened at least once (0-1)."
        ),
        "reassignments_per_incident": serializers.FloatField(
            allow_null=True, help_text="Mean reassignment count."
        ),
        "made_sla_recorded": serializers.IntegerField(
            help_text="Incidents whose made-SLA flag is recorded (every clock stopped, or "
            "an imported incident's source flag)."
        ),
        "made_sla": serializers.IntegerField(help_text="Of them, the ones that made their SLA."),
        "made_sla_rate": serializers.FloatField(
            allow_null=True, help_text="made_sla / made_sla_recorded (0-1)."
        ),
    }


IncidentsTable = table(
    "MetricsIncidents",
    MeasureRow,
    "MTTD, MTTA, MTTR-recover and MTTR-resolve of the incidents reported in the period.",
    incidents=serializers.IntegerField(help_text="Incidents reported in the period."),
    **rate_fields(),
)

PriorityRow = serializers.SerializerMetaclass(
    "MetricsPriorityRow",
    (Serializer,),
    {
        "priority": serializers.ChoiceField(choices=Priority.choices),
        "label": serializers.CharField(),
        "incidents": serializers.IntegerField(help_text="Incidents with this priority now."),
        **rate_fields(),
        **{k: v for m in MEASURES for k, v in stats_fields(f"{m.key}_").items()},
    },
)
PrioritiesTable = table(
    "MetricsPriorities",
    PriorityRow,
    "The summary per priority (the incidents' current one), highest first; a priority "
    "without incidents in the period has no row.",
)

WeekRow = serializers.SerializerMetaclass(
    "MetricsWeekRow",
    (Serializer,),
    {
        "week": serializers.CharField(help_text="ISO week, e.g. 2026-W36."),
        "start": serializers.DateTimeField(help_text="Its Monday, 00:00 UTC."),
        "incidents": serializers.IntegerField(),
        **{k: v for key in TREND_MEASURES for k, v in stats_fields(f"{key}_").items()},
    },
)
TrendTable = table("MetricsTrend", WeekRow, "Per ISO week of the reported time, oldest first.")


class BreakdownRow(Serializer[Any]):
    dimension = serializers.ChoiceField(choices=list(DIMENSIONS))
    id = serializers.IntegerField(
        allow_null=True,
        help_text="The record's id, or the status or priority value. Null: incidents without one.",
    )
    name = serializers.CharField()
    incidents = serializers.IntegerField()
    open = serializers.IntegerField(help_text="Of them, open now.")
    mttr_resolve_mean = seconds("Mean time to resolve, in seconds.")


BreakdownTable = table(
    "MetricsBreakdown",
    BreakdownRow,
    "Incidents per service, then category, team, status and priority.",
)


class BucketRow(Serializer[Any]):
    bucket = serializers.ChoiceField(choices=[key for key, _label, _ in BUCKETS])
    label = serializers.CharField()  # type: ignore[assignment]
    incidents = serializers.IntegerField()


BacklogTable = table(
    "MetricsBacklog",
    BucketRow,
    "Incidents open at `at`, by age.",
    at=serializers.DateTimeField(help_text="The end of the period, or now if earlier."),
    total=serializers.IntegerField(),
)


class ServiceRow(Serializer[Any]):
    service = serializers.IntegerField()
    name = serializers.CharField()
    incidents = serializers.IntegerField()
    first_reported_at = serializers.DateTimeField()
    last_reported_at = serializers.DateTimeField()
    mtbf = seconds("Mean time between failures, in seconds; null below two incidents.")


ServicesTable = table("MetricsServices", ServiceRow, "MTBF per service, most incidents first.")


class ComplianceRow(Serializer[Any]):
    target = serializers.ChoiceField(choices=[t.value for t in Target])
    priority = serializers.IntegerField(allow_null=True, help_text="Null: every priority.")
    clocks = serializers.IntegerField(help_text="Stopped, not canceled clocks.")
    made = serializers.IntegerField(help_text="Of them, stopped within their target.")
    missed = serializers.IntegerField()
    rate = serializers.FloatField(allow_null=True, help_text="made / clocks (0-1).")


SlaTable = table(
    "MetricsSla",
    ComplianceRow,
    "SLA compliance per target: every priority first, then each priority with clocks.",
)


class ChangeRow(Serializer[Any]):
    type = serializers.CharField(help_text='A change type, or "all".')
    changes = serializers.IntegerField(help_text="Closed in the period.")
    failed = serializers.IntegerField(help_text="Closed unsuccessful, or caused an incident.")
    rate = serializers.FloatField(allow_null=True, help_text="failed / changes (0-1).")


ChangesTable = table("MetricsChanges", ChangeRow, "Change failure rate, overall and per type.")
