"""What the reports page shows, built from the report tables (``metrics.tables``): each
section a chart (``metrics.charts``), the table it draws and its CSV link."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.safestring import SafeString

from metrics import charts, tables
from metrics.breakdown import Share, breakdown
from metrics.mtbf import ServiceMtbf, services_and_mtbf
from metrics.scope import Scope

TOP_SERVICES = 10


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    chart: SafeString | None
    headers: tuple[str, ...]
    rows: list[tuple[Any, ...]]
    csv_url: str


def query(scope: Scope) -> str:
    """The scope as the API's query string: the CSV links answer what the page shows."""
    params: dict[str, Any] = {"from": scope.start.isoformat(), "to": scope.end.isoformat()}
    for name, values in (
        ("service", scope.services),
        ("team", scope.teams),
        ("priority", scope.priorities),
        ("severity", scope.severities),
        ("category", scope.categories),
    ):
        if values:
            params[name] = values
    return urlencode(params, doseq=True)


def csv_url(name: str, scope: Scope) -> str:
    return f"{reverse(f'metrics-{name}')}?{query(scope)}&format=csv"


def _h(seconds: float | None) -> str:
    return "-" if seconds is None else charts.hours(seconds)


def summary_section(scope: Scope) -> tuple[Section, dict[str, Any]]:
    table = tables.incidents_table(scope)
    rows = [
        (row["label"], row["count"], _h(row["mean"]), _h(row["p50"]), _h(row["p90"]))
        for row in table.rows
    ]
    section = Section(
        "summary",
        "Time to detect, acknowledge, recover and resolve",
        None,
        ("Measure", "Incidents", "Mean", "Median", "90th percentile"),
        rows,
        csv_url("incidents", scope),
    )
    return section, table.extra


def priorities_section(scope: Scope) -> Section:
    table = tables.priorities_table(scope)
    rows = [
        (
            r["label"],
            r["incidents"],
            r["reopened"],
            _h(r["mtta_mean"]),
            _h(r["mtta_p50"]),
            _h(r["mttr_resolve_mean"]),
            _h(r["mttr_resolve_p50"]),
            "-" if r["made_sla_rate"] is None else charts.percent(r["made_sla_rate"]),
            _ratio(r["reassignments_per_incident"]),
        )
        for r in table.rows
    ]
    headers = (
        "Priority",
        "Incidents",
        "Reopened",
        "MTTA mean",
        "MTTA median",
        "MTTR mean",
        "MTTR median",
        "Made SLA",
        "Reassignments per incident",
    )
    title = "By priority"
    return Section("priorities", title, None, headers, rows, csv_url("priorities", scope))


def status_section(scope: Scope) -> Section:
    shares = breakdown(scope, "status")
    rows = [(s.name, s.incidents, _h(s.mttr_resolve_mean)) for s in shares]
    headers = ("Status now", "Incidents", "MTTR mean")
    title = "By status"
    return Section("status", title, None, headers, rows, csv_url("breakdown", scope))


def _ratio(value: float | None) -> str:
    return "-" if value is None else f"{value:.2f}"


def trend_section(scope: Scope) -> Section:
    table = tables.trend_table(scope)
    labels = [row["week"] for row in table.rows]
    series = [
        charts.Series("MTTA mean", [r["mtta_mean"] for r in table.rows], "series-1"),
        charts.Series("MTTA median", [r["mtta_p50"] for r in table.rows], "series-2"),
        charts.Series("MTTR mean", [r["mttr_resolve_mean"] for r in table.rows], "series-3"),
        charts.Series("MTTR median", [r["mttr_resolve_p50"] for r in table.rows], "series-4"),
    ]
    title = "MTTA and MTTR (resolve) by week"
    chart = charts.line_chart("trend", title, labels, series, "hours", charts.hours)
    rows = [
        (
            r["week"],
            r["incidents"],
            _h(r["mtta_mean"]),
            _h(r["mtta_p50"]),
            _h(r["mttr_resolve_mean"]),
            _h(r["mttr_resolve_p50"]),
        )
        for r in table.rows
    ]
    headers = ("Week", "Incidents", "MTTA mean", "MTTA median", "MTTR mean", "MTTR median")
    return Section("trend", title, chart, headers, rows, csv_url("trend", scope))


def services_section(scope: Scope, shares: list[Share]) -> Section:
    title = f"Top {TOP_SERVICES} services by incident count"
    bars = [(s.name, float(s.incidents)) for s in shares]
    chart = charts.bar_chart("services", title, bars, charts.count)
    rows = [(s.name, s.incidents, s.open, _h(s.mttr_resolve_mean)) for s in shares]
    headers = ("Service", "Incidents", "Open now", "MTTR mean")
    return Section("services", title, chart, headers, rows, csv_url("breakdown", scope))


def backlog_section(scope: Scope) -> Section:
    table = tables.backlog_table(scope)
    title = f"Backlog by age at {scope.at:%Y-%m-%d %H:%M} UTC"
    bars = [(row["label"], float(row["incidents"])) for row in table.rows]
    chart = charts.bar_chart("backlog", title, bars, charts.count)
    rows = [(row["label"], row["incidents"]) for row in table.rows]
    return Section(
        "backlog", title, chart, ("Age", "Open incidents"), rows, csv_url("backlog", scope)
    )


def sla_section(scope: Scope) -> Section:
    table = tables.sla_table(scope)
    names = {"response": "Response", "resolution": "Resolution"}

    def who(priority: int | None) -> str:
        return "all priorities" if priority is None else f"P{priority}"

    title = "SLA compliance by priority"
    bars = [
        (f"{names.get(r['target'], r['target'])}, {who(r['priority'])}", r["rate"])
        for r in table.rows
        if r["rate"] is not None
    ]
    description = "Share of stopped SLA clocks that made their target, per target and priority."
    chart = charts.bar_chart("sla", title, bars, charts.percent, 1.0, description)
    rows = [
        (
            f"{names.get(r['target'], r['target'])}, {who(r['priority'])}",
            r["clocks"],
            r["made"],
            r["missed"],
            "-" if r["rate"] is None else charts.percent(r["rate"]),
        )
        for r in table.rows
    ]
    headers = ("Target, priority", "Clocks stopped", "Made", "Missed", "Compliance")
    return Section("sla", title, chart, headers, rows, csv_url("sla", scope))


def mtbf_section(scope: Scope, per_service: list[ServiceMtbf]) -> Section:
    rows = [(m.name, m.incidents, _h(m.mtbf)) for m in per_service]
    headers = ("Service", "Incidents", "Mean time between failures")
    title = "Mean time between failures per service"
    return Section("mtbf", title, None, headers, rows, csv_url("services", scope))


def changes_section(scope: Scope) -> Section:
    table = tables.changes_table(scope)
    rows = [
        (
            r["type"],
            r["changes"],
            r["failed"],
            "-" if r["rate"] is None else charts.percent(r["rate"]),
        )
        for r in table.rows
    ]
    headers = ("Change type", "Closed", "Failed", "Change failure rate")
    title = "Change failure rate"
    return Section("changes", title, None, headers, rows, csv_url("changes", scope))


def sections(scope: Scope) -> tuple[list[Section], dict[str, Any]]:
    summary, extra = summary_section(scope)
    # The top services and MTBF both group the period's incidents by service: one scan.
    shares, per_service = services_and_mtbf(scope, TOP_SERVICES)
    return [
        summary,
        priorities_section(scope),
        status_section(scope),
        trend_section(scope),
        sla_section(scope),
        services_section(scope, shares),
        backlog_section(scope),
        mtbf_section(scope, per_service),
        changes_section(scope),
    ], extra
