"""``manage.py import_incidents --format NAME PATH...``: parse the options, call
``imports.engine.import_incidents`` once, print its summary (docs/import.md)."""

import csv
import gzip
from argparse import ArgumentParser
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from imports.engine import import_incidents
from imports.formats import FORMATS
from imports.formats.base import ReadOptions
from imports.formats.reading import WrongFile
from imports.summary import ImportSummary
from kernel.enums import Impact, Urgency

SHOWN_MISMATCHES = 20
SHOWN_REASONS = 20


class Command(BaseCommand):
    help = (
        "Import an incident log (plain or .gz) into incidents with their history and "
        "timeline. A second run changes nothing; an interrupted one resumes."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument(
            "--time-zone",
            default="UTC",
            help="The zone of times the file writes without an offset (default: UTC). "
            "The summary says which zone was assumed.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Do everything, then roll it all back."
        )
        parser.add_argument("--batch-size", type=int, default=500, help="Cases per transaction.")
        parser.add_argument(
            "--report", type=Path, help="Write every rejected row to this CSV file."
        )
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            zone = ZoneInfo(options["time_zone"])
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise CommandError(f"Unknown time zone {options['time_zone']!r}.") from exc
        if options["batch_size"] < 1:
            raise CommandError("--batch-size must be at least 1.")
        missing = [str(p) for p in options["paths"] if not p.is_file()]
        if missing:
            raise CommandError(f"No such file: {', '.join(missing)}")
        report = options["report"]
        if report is not None and (report.is_dir() or not report.parent.is_dir()):
            # Found out before the import, not after it has run for minutes.
            raise CommandError(f"Cannot write the report to {report}: no such folder.")
        fmt = FORMATS[options["format"]]()
        quiet = options["verbosity"] == 0
        with tqdm(unit=" rows", desc=fmt.label, disable=quiet, file=self.stderr._out) as bar:
            try:
                summary = import_incidents(
                    fmt,
                    options["paths"],
                    options=ReadOptions(time_zone=zone),
                    dry_run=options["dry_run"],
                    batch_size=options["batch_size"],
                    progress=bar.update,
                )
            except WrongFile as wrong:
                raise CommandError(f"Not a {fmt.label} file: {wrong}") from wrong
            except (UnicodeDecodeError, EOFError, gzip.BadGzipFile) as unreadable:
                # A file that is not UTF-8 text, or a gzip cut short: the batches before
                # it stay imported (the run is logged as failed), and a rerun resumes.
                raise CommandError(
                    f"Unreadable file ({type(unreadable).__name__}: {unreadable}). Batches "
                    "already committed stay imported; a rerun on the mended file resumes."
                ) from unreadable
        if options["report"]:
            write_report(options["report"], summary)
        if not quiet:
            self.stdout.write(describe(summary))


def write_report(path: Path, summary: ImportSummary) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["path", "line", "number", "reason"])
        for row in summary.rejected:
            writer.writerow([row.path, row.line, row.number, row.reason])


def describe(summary: ImportSummary) -> str:
    """The summary as people read it: every figure, then the details."""
    s = summary
    lines = [
        f"{'DRY RUN: nothing was written. ' if s.dry_run else ''}"
        f"{s.source}: times without an offset read in {s.time_zone}.",
        f"Cases: {s.cases:,} read; {s.created:,} created, {s.updated:,} updated (new updates "
        f"appended), {s.unchanged:,} unchanged (already imported).",
        f"Rows: {s.rows:,} read; {s.updates_imported:,} imported, {s.updates_already:,} already "
        f"imported, {len(s.rejected):,} rejected"
        f"{'' if s.accounted() else ' (DO NOT ADD UP: a bug)'}.",
    ]
    reasons = s.rejected_by_reason().most_common()
    # Reasons may name their incident (one per clashing number): a file of them must not
    # print a line each; --report has every row.
    for reason, count in reasons[:SHOWN_REASONS]:
        lines.append(f"  rejected {count:,}: {reason}")
    if len(reasons) > SHOWN_REASONS:
        lines.append(
            f"  ... and {len(reasons) - SHOWN_REASONS:,} more reasons (--report lists every row)"
        )
    if s.lookups_created:
        created = ", ".join(
            f"{count:,} {kind}" for kind, count in sorted(s.lookups_created.items())
        )
        lines.append(f"Created: {created}.")
    if s.priority_disagreements:
        lines.append("Recorded priority differs from the matrix (kept, reason 'imported'):")
        for (impact, urgency), count in sorted(s.priority_disagreements.items()):
            pair = f"impact {_label(Impact, impact)} x urgency {_label(Urgency, urgency)}"
            lines.append(f"  {pair}: {count:,} incidents")
    else:
        lines.append("Recorded priorities all agree with the matrix.")
    lines.append(f"Counters that differ from the source's: {len(s.counter_mismatches):,}.")
    for number, counter, theirs, ours in s.counter_mismatches[:SHOWN_MISMATCHES]:
        lines.append(f"  {number}: {counter} source {theirs}, replay {ours}")
    lines.append(f"{s.batches:,} batches in {s.seconds:.1f} s.")
    return "\n".join(lines)


def _label(choices: Any, value: int) -> str:
    """A value's label, or the value itself where the source's scale is wider than ours."""
    try:
        return f"{value} ({choices(value).label})"
    except ValueError:
        return str(value)
