"""The import engine every format feeds (docs/import.md): streams a format's cases, writes
them a batch at a time, one transaction per batch, and says what it did.

A run that is killed loses at most its open batch; the next run finds what committed by
its key (``ImportedIncident``: source + number, and the highest update sequence imported)
and carries on. Everything runs under ``kernel.events.muted()``: an import replays the
past, it pages and mails nobody today."""

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from catalog.models import Category, ConfigurationItem, Location, Team
from changes.models import ChangeIncident, ChangeTimelineEntry
from imports.bulk import allocate_ids, refresh_statistics, update_rows, write_rows
from imports.formats.base import Case, Format, ReadOptions, Rejected, Update
from imports.lookups import Lookups
from imports.models import ImportedChange, ImportedIncident, ImportedProblem, RunStatus
from imports.readahead import read_ahead
from imports.replay import (
    TIMELINE_COLUMNS,
    Replayed,
    event_row,
    history_columns,
    incident_columns,
    new_row,
    replay,
)
from imports.runs import run_close, run_open
from imports.summary import ImportSummary
from incidents.models import Incident, IncidentTimelineEntry, Status
from kernel import events
from kernel.models import PriorityCell
from kernel.numbering import WIDTH, parse_number, reserve_up_to
from problems.models import ProblemIncident, ProblemTimelineEntry
from sla.clocks import clocks_rebuild

if TYPE_CHECKING:
    from accounts.models import User

NUMBER_LENGTH = Incident._meta.get_field("number").max_length or 20
KEY_COLUMNS = (
    "source", "number", "incident_id", "last_sequence", "path", "line", "attributes", "counters",
    "links",
)  # fmt: skip
OPEN = (Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD)
# The tables whose growth changes how each batch's lookups are best read.
FILLED = (
    Incident, ImportedIncident, get_user_model(), Team, Team.members.through, Category, Location,
    ConfigurationItem, ImportedProblem, ImportedChange,
)  # fmt: skip


def import_incidents(
    fmt: Format,
    paths: Sequence[Path],
    *,
    options: ReadOptions,
    dry_run: bool = False,
    batch_size: int = 500,
    by: "User | None" = None,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    """Import ``paths`` in format ``fmt``; ``dry_run`` does all the work in a transaction
    it rolls back, so the summary says what a real run would do. The run is logged
    (``ImportRun``) either way."""
    summary = ImportSummary(source=fmt.name, time_zone=str(options.time_zone), dry_run=dry_run)
    run = run_open(
        format=fmt.name,
        paths=[str(p) for p in paths],
        options={"time_zone": str(options.time_zone), "batch_size": batch_size},
        dry_run=dry_run,
        started_at=timezone.now(),
        by=by,
    )
    started = time.perf_counter()
    importer = _Importer(fmt, summary, batch_size, progress)
    try:
        # Closed however the run ends, so a failed batch stops the reading process now,
        # not when the generator is collected (a long-lived process: a worker, a shell).
        with events.muted(), closing(read_ahead(fmt, paths, options)) as items:
            if dry_run:
                with transaction.atomic():
                    importer.run(items)
                    transaction.set_rollback(True)
            else:
                importer.run(items)
    except BaseException as exc:  # a failed run is logged, then the failure goes on up
        summary.seconds = time.perf_counter() - started
        run.status, run.error = RunStatus.FAILED, f"{type(exc).__name__}: {exc}"[:5000]
        run.finished_at, run.summary = timezone.now(), summary.as_json()
        run_close(run)
        raise
    summary.seconds = time.perf_counter() - started
    run.status, run.finished_at, run.summary = RunStatus.FINISHED, timezone.now(), summary.as_json()
    run_close(run)
    return summary


class _Importer:
    def __init__(
        self,
        fmt: Format,
        summary: ImportSummary,
        batch_size: int,
        progress: Callable[[int], None] | None,
    ) -> None:
        self.source, self.label = fmt.name, fmt.label
        self.summary = summary
        self.batch_size = max(1, batch_size)
        self.progress = progress or (lambda rows: None)
        self.lookups = Lookups(fmt.name, fmt.label)
        self.seen: dict[str, int] = {}
        """Numbers read in this run, with the line of their first row."""
        self.matrix: dict[tuple[int, int], int] = {}

    def run(self, items: Iterator[Case | Rejected]) -> None:
        self.matrix = {
            (impact, urgency): priority
            for impact, urgency, priority in PriorityCell.objects.values_list(
                "impact", "urgency", "priority"
            )
        }
        batch: list[Case] = []
        for item in items:
            if isinstance(item, Rejected):
                self.summary.rows += 1
                self.summary.rejected.append(item)
                self.progress(1)
                continue
            batch.append(item)
            if len(batch) >= self.batch_size:
                self.flush(batch)
                batch = []
        if batch:
            self.flush(batch)

    # --- one batch, one transaction --------------------------------------------------------

    def flush(self, cases: list[Case]) -> None:
        summary = self.summary
        rows = sum(len(c.updates) + len(c.rejected) for c in cases)
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # Safe to lose on a crash: the batch is idempotent, and the next run redoes
                # the last few batches whose commits had not reached the disk.
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL synchronous_commit = off")
            # One query, by the incidents' number index: each number's incident, if any,
            # and its key, if it was imported (and from where).
            found = (
                Incident.objects.filter(number__in=[c.number for c in cases])
                .order_by()
                .values_list(
                    "number", "imported__id", "imported__source", "imported__last_sequence"
                )
            )
            keys: dict[str, tuple[int, int]] = {}
            clashes: set[str] = set()
            for number, key_id, source, last_sequence in found:
                if source == self.source:
                    keys[number] = (key_id, last_sequence)
                else:
                    clashes.add(number)
            fresh: list[Case] = []
            known: list[tuple[Case, tuple[int, int], list[Update]]] = []
            for case in cases:
                summary.cases += 1
                summary.rows += len(case.updates) + len(case.rejected)
                summary.rejected.extend(case.rejected)
                refusal = self.refusal(case, clashes)
                if refusal:
                    summary.rejected.extend(
                        Rejected(case.path, u.line, case.number, refusal) for u in case.updates
                    )
                    continue
                self.seen[case.number] = case.line
                key = keys.get(case.number)
                if key is None:
                    fresh.append(case)
                    continue
                new = [u for u in case.updates if u.sequence > key[1]]
                summary.updates_already += len(case.updates) - len(new)
                if new:
                    known.append((case, key, new))
                else:
                    summary.unchanged += 1
            self.lookups.prepare([*fresh, *(case for case, _, _ in known)])
            self.write_fresh(fresh)
            self.write_known(known)
            self.summary.batches += 1
        if self.summary.batches & (self.summary.batches - 1) == 0:  # 1, 2, 4, 8, ...
            refresh_statistics(FILLED)
        self.progress(rows)

    def refusal(self, case: Case, clashes: set[str]) -> str:
        if case.number in self.seen:
            return f"the number appears again (first at line {self.seen[case.number]})"
        if len(case.number) > NUMBER_LENGTH:
            return f"number longer than {NUMBER_LENGTH} characters"
        if case.number in clashes:
            return f"the number exists and was not imported from {self.source}"
        if not case.updates:
            return "no update to import"
        return ""

    def write_fresh(self, cases: list[Case]) -> None:
        if not cases:
            return
        ids = allocate_ids(Incident, len(cases))
        row_values = itemgetter(*incident_columns())
        incidents: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        timeline: list[tuple[Any, ...]] = []
        keys: list[tuple[Any, ...]] = []
        problem_links: list[tuple[Any, ...]] = []
        problem_events: list[tuple[Any, ...]] = []
        cause_links: list[tuple[Any, ...]] = []
        change_events: list[tuple[Any, ...]] = []
        opened: list[int] = []
        for case, incident_id in zip(cases, ids, strict=True):
            done = self.replay(case, case.updates, new_row(case, incident_id, self.label), True)
            incidents.append(row_values(done.row))
            history.extend(done.history)
            timeline.extend(done.timeline)
            at = case.updates[-1].at
            links: dict[str, Any] = {}
            if case.problems:
                links["problems"] = {p: self.lookups.problems[p][1] for p in case.problems}
                problem_id, problem_number = self.lookups.problems[case.problems[0]]
                problem_links.append((problem_id, incident_id, None, at))
                problem_events.append(
                    (
                        problem_id,
                        "event",
                        "incident_linked",
                        "",
                        {"incident": case.number},
                        None,
                        at,
                    )
                )
                timeline.append(
                    event_row(incident_id, "problem_linked", {"problem": problem_number}, at)
                )
            if case.changes:
                links["changes"] = {c: self.lookups.changes[c][1] for c in case.changes}
            if case.caused_by:
                change_id, change_number = self.lookups.changes[case.caused_by]
                links["caused_by"] = {case.caused_by: change_number}
                cause_links.append((change_id, incident_id, at))
                change_events.append(
                    (change_id, "event", "caused_incident", "", {"incident": case.number}, None, at)
                )
                timeline.append(
                    event_row(incident_id, "caused_by_change", {"change": change_number}, at)
                )
            keys.append(
                (
                    self.source, case.number, incident_id, case.updates[-1].sequence, case.path,
                    case.line, case.attributes, case.counters, links,
                )
            )  # fmt: skip
            if done.row["status"] in OPEN:
                opened.append(incident_id)
        write_rows(Incident, incident_columns(), incidents)
        write_rows(Incident.history.model, history_columns(), history)
        write_rows(IncidentTimelineEntry, TIMELINE_COLUMNS, timeline)
        write_rows(ImportedIncident, KEY_COLUMNS, keys)
        write_rows(
            ProblemIncident,
            ("problem_id", "incident_id", "linked_by_id", "linked_at"),
            problem_links,
        )
        write_rows(ProblemTimelineEntry, TIMELINE_COLUMNS, problem_events)
        write_rows(ChangeIncident, ("change_id", "incident_id", "linked_at"), cause_links)
        write_rows(ChangeTimelineEntry, TIMELINE_COLUMNS, change_events)
        self.summary.created += len(cases)
        self.summary.updates_imported += len(history)
        self.after_write(opened, [c.number for c in cases])

    def write_known(self, known: list[tuple[Case, tuple[int, int], list[Update]]]) -> None:
        """Append new updates to incidents an earlier run imported."""
        if not known:
            return
        columns = incident_columns()
        current = {
            row["number"]: row
            for row in Incident.objects.filter(
                number__in=[case.number for case, _, _ in known]
            ).values(*(f.attname for f in Incident._meta.concrete_fields))
        }
        self.lookups.category_names.update(self._category_names(current.values()))
        incidents: list[tuple[Any, ...]] = []
        history: list[tuple[Any, ...]] = []
        timeline: list[tuple[Any, ...]] = []
        keys: list[tuple[Any, ...]] = []
        opened: list[int] = []
        for case, key, new in known:
            done = self.replay(case, new, current[case.number], False)
            incidents.append((*(done.row[c] for c in columns if c != "id"), done.row["id"]))
            history.extend(done.history)
            timeline.extend(done.timeline)
            keys.append((new[-1].sequence, case.counters, key[0]))
            if done.row["status"] in OPEN:
                opened.append(done.row["id"])
        update_rows(Incident, [c for c in columns if c != "id"], incidents)
        write_rows(Incident.history.model, history_columns(), history)
        write_rows(IncidentTimelineEntry, TIMELINE_COLUMNS, timeline)
        update_rows(ImportedIncident, ("last_sequence", "counters"), keys)
        self.summary.updated += len(known)
        self.summary.updates_imported += len(history)
        self.after_write(opened, [case.number for case, _, _ in known])

    def _category_names(self, rows: Any) -> dict[int, str]:
        ids = {row["category_id"] for row in rows if row["category_id"]}
        return dict(Category.objects.filter(id__in=ids).values_list("id", "name")) if ids else {}

    def replay(
        self, case: Case, updates: Sequence[Update], start: dict[str, Any], first: bool
    ) -> Replayed:
        done = replay(
            case,
            updates,
            start=start,
            first=first,
            source=self.source,
            lookups=self.lookups,
            matrix=self.matrix,
            recorded_priority=not first and start.get("priority_override_reason") == "imported",
        )
        for pair in done.disagreements:
            self.summary.priority_disagreements[pair] = (
                self.summary.priority_disagreements.get(pair, 0) + 1
            )
        if not case.snapshot:
            ours = {
                "reassignments": done.row["reassignment_count"],
                "reopens": done.row["reopen_count"],
            }
            for counter, value in sorted(case.counters.items()):
                if counter in ours and value != ours[counter]:
                    self.summary.counter_mismatches.append(
                        (case.number, counter, value, ours[counter])
                    )
        return done

    def after_write(self, opened: list[int], numbers: list[str]) -> None:
        """Open incidents get their SLA clocks from their timeline (finished ones none:
        the source's own flag says whether they made it); our numbering skips theirs."""
        for incident in Incident.objects.filter(id__in=opened):
            clocks_rebuild(incident)
        prefix = Incident.NUMBER_PREFIX
        ours = [n for n in numbers if parse_number(prefix, n) is not None]
        if ours:
            highest = max(ours, key=lambda n: parse_number(prefix, n) or 0)
            if len(highest) - len(Incident.NUMBER_PREFIX) <= WIDTH + 3:
                reserve_up_to(Incident.NUMBER_PREFIX, highest)
        self.summary.lookups_created = {k: v for k, v in self.lookups.created.items() if v}
