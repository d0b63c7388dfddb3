"""The product's own reports on the imported ServiceNow log equal the independent
computation from the CSV (``servicenow_reference``): counts by final state and priority,
incidents reopened, MTTA and MTTR-resolve mean and median per priority, the made-SLA
share and reassignments per incident, read through the metrics API (JSON and CSV) and the
admin's reports page. Counts exactly; means to the second; medians exactly.

The figures are printed and written to ``var/servicenow_reports.json``."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import transaction

from imports.engine import import_incidents
from imports.formats.base import ReadOptions
from imports.formats.servicenow import ServiceNow
from imports.summary import ImportSummary
from metrics.charts import hours, percent
from tests.imports import servicenow_reference as ref

pytestmark = pytest.mark.django_db
# The log runs from 29/2/2016 to 18/2/2017: this period holds every incident.
PERIOD = {"from": "2016-02-01T00:00:00Z", "to": "2017-03-01T00:00:00Z"}
PAGE_PERIOD = {"from": "2016-02-01", "to": "2017-03-01"}
API = "/api/v1/metrics/incidents/"
PAGE = "/admin/metrics/incidentreport/"
MEASURES = ("mtta", "mttr_resolve")


@pytest.fixture(scope="module")
def expected(data_dir: Path) -> dict[str, Any]:
    return ref.report(data_dir)


@pytest.fixture(scope="module")
def imported(
    django_db_setup: None, django_db_blocker: Any, data_dir: Path
) -> Iterator[ImportSummary]:
    """The whole log imported once for the module, rolled back after its last test (the
    tests' own transactions nest inside this one)."""
    path = data_dir / ref.LOG
    with django_db_blocker.unblock(), transaction.atomic():
        summary = import_incidents(
            ServiceNow(), [path], options=ReadOptions(time_zone=ZoneInfo("UTC"))
        )
        yield summary
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def figures() -> dict[str, Any]:
    """What the tests read from the product, written out when the module ends."""
    found: dict[str, Any] = {}
    yield found
    out = Path(settings.BASE_DIR) / "var" / "servicenow_reports.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(found, indent=2, sort_keys=True, default=str) + "\n")
    print(f"\nServiceNow report figures (also in {out}):")
    print(json.dumps(found, indent=2, sort_keys=True, default=str))


def same_stats(product: dict[str, Any], reference: dict[str, Any], prefix: str = "") -> None:
    """A measure's count exactly, its mean to the second, its median exactly."""
    for key in MEASURES:
        ours = {stat: product[f"{prefix}{key}_{stat}"] for stat in ("count", "mean", "p50")}
        theirs = reference[key]
        assert ours["count"] == theirs["count"], key
        assert round(ours["mean"]) == round(theirs["mean"]), key
        assert ours["p50"] == theirs["p50"], key


def same_rates(product: dict[str, Any], reference: dict[str, Any]) -> None:
    assert product["incidents"] == reference["incidents"]
    assert product["reopened"] == reference["reopened"]
    assert product["made_sla_recorded"] == reference["made_sla_recorded"]
    assert product["made_sla"] == reference["made_sla"]
    assert product["made_sla_rate"] == reference["made_sla_rate"]
    # The mean of the counts: the sum exactly, the mean as PostgreSQL's numeric gives it.
    per_incident = product["reassignments_per_incident"]
    assert round(per_incident * product["incidents"]) == reference["reassignments"]
    assert per_incident == pytest.approx(reference["reassignments_per_incident"], rel=1e-12)


def test_the_whole_log_is_imported_and_every_row_accounted_for(imported, expected, figures):
    assert imported.cases == imported.created == 24_918
    assert imported.rows == expected["rows"] == 141_712
    assert len(imported.rejected) == expected["rows_skipped"] == 10
    assert imported.accounted()
    figures["import"] = {
        "cases": imported.cases,
        "rows": imported.rows,
        "updates_imported": imported.updates_imported,
        "rejected": len(imported.rejected),
        "counter_mismatches": len(imported.counter_mismatches),
        "seconds": round(imported.seconds, 1),
    }


def test_the_summary_equals_the_reference(imported, expected, agent_api, figures):
    body = agent_api.get(API, PERIOD).json()
    rows = {row["measure"]: row for row in body["rows"]}
    product = {f"{key}_{stat}": rows[key][stat] for key in MEASURES for stat in rows[key]}
    same_stats(product, expected["all"])
    same_rates(body, expected["all"])
    figures["all"] = {**{k: v for k, v in body.items() if k != "rows"}, **product}


def test_the_counts_by_final_status_and_priority_equal_the_reference(
    imported, expected, agent_api, figures
):
    rows = agent_api.get(f"{API}breakdown/", PERIOD).json()["rows"]
    by_status = {r["name"]: r["incidents"] for r in rows if r["dimension"] == "status"}
    by_priority = {r["id"]: r["incidents"] for r in rows if r["dimension"] == "priority"}
    assert by_status == expected["by_state"] == {"Closed": 24_918}
    assert by_priority == expected["by_priority"]
    assert all(r["open"] == 0 for r in rows if r["dimension"] in ("status", "priority"))
    figures["by_status"], figures["by_priority"] = by_status, by_priority


def test_each_prioritys_figures_equal_the_reference(imported, expected, agent_api, figures):
    rows = agent_api.get(f"{API}priorities/", PERIOD).json()["rows"]
    assert [row["priority"] for row in rows] == list(expected["per_priority"]) == [1, 2, 3, 4]
    for row in rows:
        reference = expected["per_priority"][row["priority"]]
        same_rates(row, reference)
        same_stats(row, reference, prefix="")
    figures["per_priority"] = {
        row["label"]: {k: v for k, v in row.items() if not k.startswith(("mttd", "mttr_rec"))}
        for row in rows
    }


def test_the_csv_answers_the_same_per_priority_figures(imported, expected, agent_api):
    answer = agent_api.get(f"{API}priorities/", {**PERIOD, "format": "csv"})
    assert answer.status_code == 200
    rows = list(csv.DictReader(io.StringIO(answer.content.decode())))
    assert [int(row["priority"]) for row in rows] == [1, 2, 3, 4]
    for row in rows:
        reference = expected["per_priority"][int(row["priority"])]
        assert int(row["incidents"]) == reference["incidents"]
        assert int(row["reopened"]) == reference["reopened"]
        assert int(row["made_sla"]) == reference["made_sla"]
        for key in MEASURES:
            assert int(row[f"{key}_count"]) == reference[key]["count"]
            assert round(float(row[f"{key}_mean"])) == round(reference[key]["mean"])
            assert float(row[f"{key}_p50"]) == reference[key]["p50"]


def test_the_reports_page_shows_the_reference_figures(imported, expected, client, agent):
    client.force_login(agent)
    answer = client.get(PAGE, PAGE_PERIOD)
    assert answer.status_code == 200
    extra = answer.context["extra"]
    assert extra["incidents"] == expected["all"]["incidents"]
    assert extra["reopened"] == expected["all"]["reopened"]
    assert (extra["made_sla"], extra["made_sla_recorded"]) == (
        expected["all"]["made_sla"],
        expected["all"]["made_sla_recorded"],
    )
    sections = {section.key: section for section in answer.context["sections"]}
    shown = list(sections["priorities"].rows)
    wanted = []
    for priority, r in expected["per_priority"].items():
        wanted.append(
            (
                {1: "1 - Critical", 2: "2 - High", 3: "3 - Moderate", 4: "4 - Low"}[priority],
                r["incidents"],
                r["reopened"],
                hours(r["mtta"]["mean"]),
                hours(r["mtta"]["p50"]),
                hours(r["mttr_resolve"]["mean"]),
                hours(r["mttr_resolve"]["p50"]),
                percent(r["made_sla_rate"]),
                f"{r['reassignments_per_incident']:.2f}",
            )
        )
    assert shown == wanted
    assert [row[:2] for row in sections["status"].rows] == list(expected["by_state"].items())
    html = answer.content.decode()
    assert "By priority" in html and "3 - Moderate" in html
    assert f"<strong>{expected['all']['reopened']}</strong>" in html
