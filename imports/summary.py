"""What an import did (or, dry, would do): the figures the command prints and the run log
keeps."""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from imports.formats.base import Rejected

KEPT_REJECTED = 1000
"""Rejected rows an ``ImportRun`` keeps with their lines (all are counted per reason)."""


@dataclass
class ImportSummary:
    source: str = ""
    time_zone: str = "UTC"
    """The zone assumed for times written without an offset."""
    dry_run: bool = False
    cases: int = 0
    """Source incidents read (including rejected ones)."""
    created: int = 0
    updated: int = 0
    """Known incidents that got new updates appended."""
    unchanged: int = 0
    """Known incidents with nothing new: already imported."""
    rows: int = 0
    """Source rows read."""
    updates_imported: int = 0
    updates_already: int = 0
    """Rows skipped because an earlier run imported them."""
    rejected: list[Rejected] = field(default_factory=list)
    priority_disagreements: dict[tuple[int, int], int] = field(default_factory=dict)
    """(impact, urgency) -> incidents whose recorded priority differs from the matrix's."""
    counter_mismatches: list[tuple[str, str, int, int]] = field(default_factory=list)
    """(number, counter, the source's, ours)."""
    lookups_created: dict[str, int] = field(default_factory=dict)
    batches: int = 0
    seconds: float = 0.0

    @property
    def rejected_cases(self) -> int:
        return len({(r.path, r.number) for r in self.rejected if r.number}) if self.rejected else 0

    def rejected_by_reason(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)

    def accounted(self) -> bool:
        """Every source row imported, already imported or rejected."""
        return self.rows == self.updates_imported + self.updates_already + len(self.rejected)

    def as_json(self) -> dict[str, Any]:
        """For ``ImportRun.summary``: every figure, the reasons counted, the first rows."""
        return {
            "source": self.source,
            "time_zone": self.time_zone,
            "dry_run": self.dry_run,
            "cases": self.cases,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rows": self.rows,
            "updates_imported": self.updates_imported,
            "updates_already": self.updates_already,
            "rejected_rows": len(self.rejected),
            "rejected_by_reason": dict(self.rejected_by_reason().most_common()),
            "rejected": [
                {"path": r.path, "line": r.line, "number": r.number, "reason": r.reason}
                for r in self.rejected[:KEPT_REJECTED]
            ],
            "priority_disagreements": [
                {"impact": impact, "urgency": urgency, "incidents": count}
                for (impact, urgency), count in sorted(self.priority_disagreements.items())
            ],
            "counter_mismatches": [
                {"number": n, "counter": c, "source": s, "ours": o}
                for n, c, s, o in self.counter_mismatches[:KEPT_REJECTED]
            ],
            "counter_mismatch_count": len(self.counter_mismatches),
            "lookups_created": self.lookups_created,
            "batches": self.batches,
            "seconds": round(self.seconds, 3),
        }
