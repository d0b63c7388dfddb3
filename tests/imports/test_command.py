"""``manage.py import_incidents``: the summary says which zone was assumed and every
figure; ``--report`` lists every rejected row; rejected rows are no failure."""

import csv
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from imports.formats.base import Rejected
from imports.management.commands.import_incidents import describe
from imports.models import ImportRun
from imports.summary import ImportSummary
from tests.imports.slices import servicenow_slice

pytestmark = pytest.mark.django_db


def test_the_summary_and_the_report_of_rejected_rows(data_dir, tmp_path):
    # The first 500 rows hold five rows sharing a sequence with another row.
    path = servicenow_slice(data_dir, tmp_path / "slice.csv", rows=500)
    report = tmp_path / "rejected.csv"
    out = StringIO()
    call_command(
        "import_incidents", "--format", "servicenow", "--time-zone", "Europe/Lisbon",
        "--report", str(report), str(path), stdout=out, stderr=StringIO(),
    )  # fmt: skip
    text = out.getvalue()
    assert "servicenow: times without an offset read in Europe/Lisbon." in text
    assert "Rows: 500 read;" in text and "DO NOT ADD UP" not in text
    with report.open(newline="") as rows:
        rejected = list(csv.DictReader(rows))
    assert rejected and {r["path"] for r in rejected} == {str(path)}
    assert all(r["reason"].startswith("duplicate sequence") for r in rejected)
    assert f"{len(rejected)} rejected" in text
    run = ImportRun.objects.get()
    assert run.options["time_zone"] == "Europe/Lisbon" and run.status == "finished"


def test_an_unknown_zone_or_a_missing_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="Unknown time zone"):
        call_command("import_incidents", "--format", "servicenow", "--time-zone", "Mars/Olympus",
                     str(tmp_path))  # fmt: skip
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_incidents", "--format", "servicenow", str(tmp_path / "none.csv"))


def test_a_report_path_that_cannot_be_written_is_refused_before_the_import(data_dir, tmp_path):
    log = str(data_dir / "servicenow_incident_event_log.csv.gz")
    for report in (tmp_path / "no" / "such" / "folder.csv", tmp_path):
        with pytest.raises(CommandError, match="Cannot write the report"):
            call_command("import_incidents", "--format", "servicenow", "--report", str(report),
                         log)  # fmt: skip
    assert not ImportRun.objects.exists()


def test_a_wrong_or_unreadable_file_is_a_message_not_a_traceback(data_dir, tmp_path):
    # BPIC 2014's incident file given as ServiceNow: its header says so.
    with pytest.raises(CommandError, match=r"Not a .*header column 1 is 'CI Name \(aff\)'"):
        call_command("import_incidents", "--format", "servicenow", "-v0",
                     str(data_dir / "bpic2014_sample_incidents.csv"))  # fmt: skip
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(CommandError, match="empty file, no header row"):
        call_command("import_incidents", "--format", "servicedesk", "-v0", str(empty))
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(CommandError, match=r"Unreadable file \(UnicodeDecodeError"):
        call_command("import_incidents", "--format", "servicenow", "-v0", str(binary))
    cut = tmp_path / "cut.csv.gz"
    cut.write_bytes((data_dir / "servicenow_incident_event_log.csv.gz").read_bytes()[:5000])
    with pytest.raises(CommandError, match=r"Unreadable file \(EOFError"):
        call_command("import_incidents", "--format", "servicenow", "--dry-run", "-v0", str(cut))
    assert set(ImportRun.objects.values_list("status", flat=True)) == {"failed"}


def test_the_summary_shows_the_20_commonest_reasons_not_one_line_per_incident():
    summary = ImportSummary(source="servicedesk", time_zone="UTC")
    summary.rejected = [
        Rejected("export.csv", line, f"INC{line:07}", f"INC{line:07} exists")
        for line in range(2, 502)
    ]
    summary.rows = 500

    text = describe(summary)

    assert text.count("  rejected 1: INC") == 20
    assert "... and 480 more reasons (--report lists every row)" in text
    assert "Rows: 500 read; 0 imported, 0 already imported, 500 rejected." in text
