"""Problems: ServiceNow's problem states (ITIL.md) on the shared ticket kernel, the
known-error flag, and the link from incidents to the problem behind them."""

from django.conf import settings
from django.db import models

from incidents.models import Incident
from kernel.models import Ticket, TimelineEntry
from kernel.notices import MOVE_AUDIENCE, Audience
from kernel.transitions import Move, MoveTable


class Status(models.IntegerChoices):
    NEW = 101, "New"
    ASSESS = 102, "Assess"
    ROOT_CAUSE_ANALYSIS = 103, "Root Cause Analysis"
    FIX_IN_PROGRESS = 104, "Fix in Progress"
    RESOLVED = 106, "Resolved"
    CLOSED = 107, "Closed"


OPEN_STATES = frozenset(
    {Status.NEW, Status.ASSESS, Status.ROOT_CAUSE_ANALYSIS, Status.FIX_IN_PROGRESS}
)
WORK = "problems.change_problem"
CANCEL = "problems.cancel_problem"


class ResolutionCode(models.TextChoices):
    FIX_APPLIED = "fix_applied", "Fix applied"
    RISK_ACCEPTED = "risk_accepted", "Risk accepted"
    DUPLICATE = "duplicate", "Duplicate"
    CANCELED = "canceled", "Canceled"


def _move(name: str, label: str, sources: set[Status], target: Status | None, **kw: object) -> Move:
    return Move(name, label, frozenset(sources), target, **kw)  # type: ignore[arg-type]


MOVES = MoveTable(
    Status,
    (
        _move(
            "assess",
            "Assess",
            {Status.NEW},
            Status.ASSESS,
            permission=WORK,
            words="assessed",
            help="Take the problem on: confirm it is worth analysing.",
        ),
        _move(
            "analyze",
            "Start root cause analysis",
            {Status.ASSESS},
            Status.ROOT_CAUSE_ANALYSIS,
            permission=WORK,
            words="moved to root cause analysis",
        ),
        _move(
            "mark_known_error",
            "Mark known error",
            {Status.ASSESS, Status.ROOT_CAUSE_ANALYSIS, Status.FIX_IN_PROGRESS},
            None,
            permission=WORK,
            words="marked a known error",
            help="Document a workaround: the problem becomes a known error agents can apply.",
        ),
        _move(
            "start_fix",
            "Start fix",
            {Status.ROOT_CAUSE_ANALYSIS},
            Status.FIX_IN_PROGRESS,
            permission=WORK,
            words="fix started",
            help="The root cause is known; work on the permanent fix starts.",
        ),
        _move(
            "resolve",
            "Resolve",
            {Status.FIX_IN_PROGRESS},
            Status.RESOLVED,
            permission=WORK,
            words="resolved",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
            help="The fix is in place (often through a change).",
        ),
        _move(
            "reopen",
            "Reopen",
            {Status.RESOLVED},
            Status.ROOT_CAUSE_ANALYSIS,
            permission=WORK,
            words="reopened",
            help="The fix did not hold: back to root cause analysis.",
        ),
        _move(
            "close",
            "Close",
            {Status.RESOLVED},
            Status.CLOSED,
            permission=WORK,
            words="closed",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
        ),
        _move(
            "close_duplicate",
            "Close as duplicate",
            set(OPEN_STATES),
            Status.CLOSED,
            permission=WORK,
            words="closed as a duplicate",
        ),
        _move(
            "accept_risk",
            "Accept the risk",
            {Status.ASSESS, Status.ROOT_CAUSE_ANALYSIS, Status.FIX_IN_PROGRESS},
            Status.CLOSED,
            permission=CANCEL,
            words="closed with the risk accepted",
            help="Close without a fix: fixing costs more than living with it.",
        ),
        _move(
            "cancel",
            "Cancel",
            set(OPEN_STATES),
            Status.CLOSED,
            permission=CANCEL,
            words="canceled",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
        ),
    ),
    open=OPEN_STATES,
    finished=frozenset({Status.CLOSED}),
)


class Problem(Ticket):
    NUMBER_PREFIX = "PRB"
    moves = MOVES

    status = models.PositiveSmallIntegerField(choices=Status, default=Status.NEW, editable=False)
    description = models.TextField("problem statement", blank=True, max_length=50_000)
    root_cause = models.TextField(blank=True, max_length=50_000)
    workaround = models.TextField(
        blank=True, max_length=50_000, editable=False, help_text="Set by marking a known error."
    )
    known_error = models.BooleanField(default=False, editable=False)
    known_error_at = models.DateTimeField(null=True, blank=True, editable=False)
    fix_notes = models.TextField(blank=True, max_length=50_000)
    resolution_code = models.CharField(
        max_length=32, choices=ResolutionCode, blank=True, editable=False
    )
    close_notes = models.TextField(blank=True, editable=False)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    incidents = models.ManyToManyField(
        Incident, through="ProblemIncident", related_name="problems", blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("cancel_problem", "Can cancel problems or accept their risk"),
            ("override_priority", "Can override a problem's priority"),
        ]
        indexes = [
            models.Index(fields=["status", "priority"], name="prb_status_priority"),
            models.Index(fields=["assignment_group", "status"], name="prb_group_status"),
            models.Index(fields=["known_error", "status"], name="prb_known_error_status"),
            models.Index(fields=["service", "status"], name="prb_service_status"),
        ]


class ProblemTimelineEntry(TimelineEntry):
    ticket = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline"
        indexes = [models.Index(fields=["ticket", "created_at"], name="prb_timeline_ticket")]


class ProblemIncident(models.Model):
    """An incident caused by a problem. One problem per incident: the link row lives here,
    in the higher app, so incidents know nothing of problems."""

    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="problem_link")
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "incident link"

    def __str__(self) -> str:
        return f"{self.incident.number} -> {self.problem.number}"


class KnownError(Problem):
    """The known-error database: problems with a documented workaround, as agents search
    them while handling incidents."""

    class Meta:
        proxy = True
        verbose_name = "known error"
