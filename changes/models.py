"""Changes: ServiceNow's change types and states (ITIL.md) on the shared ticket kernel,
with approvals, pre-approved templates, blackout windows and the links to the problems a
change fixes and the incidents it caused."""

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from incidents.models import Incident
from kernel.models import Ticket, TimelineEntry
from kernel.notices import Audience, NoticeKind, audience
from kernel.transitions import Move, MoveTable
from problems.models import Problem


class Type(models.TextChoices):
    STANDARD = "standard", "Standard"
    NORMAL = "normal", "Normal"
    EMERGENCY = "emergency", "Emergency"


class Status(models.IntegerChoices):
    NEW = 1, "New"
    ASSESS = 2, "Assess"
    AUTHORIZE = 3, "Authorize"
    SCHEDULED = 4, "Scheduled"
    IMPLEMENT = 5, "Implement"
    REVIEW = 6, "Review"
    CLOSED = 7, "Closed"
    CANCELED = 8, "Canceled"


class Risk(models.TextChoices):
    LOW = "low", "Low"
    MODERATE = "moderate", "Moderate"
    HIGH = "high", "High"


class CloseCode(models.TextChoices):
    SUCCESSFUL = "successful", "Successful"
    SUCCESSFUL_WITH_ISSUES = "successful_issues", "Successful with issues"
    UNSUCCESSFUL = "unsuccessful", "Unsuccessful"


FINISHED = frozenset({Status.CLOSED, Status.CANCELED})
IN_FLIGHT = frozenset({Status.SCHEDULED, Status.IMPLEMENT})
"""States whose window is booked: other changes on the same service must not overlap."""
WORK = "changes.change_change"


def _is(kind: Type, *states: Status) -> Any:
    def rule(change: "Change") -> bool:
        return change.type == kind and (not states or change.status in states)

    return rule


def _authorizable(change: "Change") -> bool:
    return _is(Type.NORMAL, Status.ASSESS)(change) or _is(Type.EMERGENCY, Status.NEW)(change)


def _schedulable(change: "Change") -> bool:
    return _is(Type.STANDARD, Status.NEW)(change) or (
        change.type != Type.STANDARD and change.status == Status.AUTHORIZE
    )


def _not_standard(change: "Change") -> bool:
    return change.type != Type.STANDARD


OPEN = {Status.NEW, Status.ASSESS, Status.AUTHORIZE, Status.SCHEDULED, Status.IMPLEMENT}
# Who hears that a change moved: its assignee and watchers; its requester hears when the
# window is booked (and asked for it, so knows the rest).
TOLD = audience(Audience.ASSIGNEE, Audience.WATCHERS)
SCHEDULED_TOLD = audience(Audience.ASSIGNEE_OR_GROUP, Audience.REQUESTER, Audience.WATCHERS)

MOVES = MoveTable(
    Status,
    (
        Move(
            "assess",
            "Request assessment",
            frozenset({Status.NEW}),
            Status.ASSESS,
            permission=WORK,
            words="assessed",
            audience=TOLD,
            only_if=_is(Type.NORMAL),
            only_if_help="normal changes are assessed; standard and emergency ones skip it",
        ),
        Move(
            "authorize",
            "Request authorization",
            frozenset({Status.NEW, Status.ASSESS}),
            Status.AUTHORIZE,
            permission=WORK,
            words="sent for authorization",
            audience=TOLD,
            only_if=_authorizable,
            only_if_help="normal changes from Assess, emergency changes from New",
            help="Asks the approvers (CAB, or one emergency approver) for their decision.",
        ),
        Move(
            "schedule",
            "Schedule",
            frozenset({Status.NEW, Status.AUTHORIZE}),
            Status.SCHEDULED,
            permission=WORK,
            words="scheduled",
            kind=NoticeKind.CHANGE_SCHEDULED,
            audience=SCHEDULED_TOLD,
            shows=("planned_start", "planned_end"),
            only_if=_schedulable,
            only_if_help="standard changes from New, the others once authorized",
            help="Books the window: refused on a conflict unless a manager overrides it.",
        ),
        Move(
            "implement",
            "Start implementation",
            frozenset({Status.SCHEDULED}),
            Status.IMPLEMENT,
            permission=WORK,
            words="implementation started",
            audience=TOLD,
        ),
        Move(
            "review",
            "Finish implementation",
            frozenset({Status.IMPLEMENT}),
            Status.REVIEW,
            permission=WORK,
            words="in review",
            audience=TOLD,
        ),
        Move(
            "close",
            "Close",
            frozenset({Status.REVIEW}),
            Status.CLOSED,
            permission=WORK,
            words="closed",
            audience=TOLD | {Audience.SUBSCRIBERS},
        ),
        Move(
            "return_to_new",
            "Back to New",
            frozenset({Status.ASSESS, Status.AUTHORIZE}),
            Status.NEW,
            permission=WORK,
            words="returned to New",
            audience=TOLD,
            only_if=_not_standard,
            only_if_help="standard changes never leave New for Assess or Authorize",
        ),
        Move(
            "cancel",
            "Cancel",
            frozenset(OPEN | {Status.REVIEW}),
            Status.CANCELED,
            permission=WORK,
            words="canceled",
            audience=TOLD | {Audience.SUBSCRIBERS},
        ),
    ),
    open=frozenset(set(Status) - FINISHED),
    finished=FINISHED,
)


class ChangeTemplate(models.Model):
    """A pre-approved standard change: what it does and how, approved once by the CAB."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    implementation_plan = models.TextField()
    backout_plan = models.TextField()
    test_plan = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class BlackoutWindow(models.Model):
    """A freeze: no change may be scheduled inside it (on its service, or on all)."""

    name = models.CharField(max_length=200)
    reason = models.TextField(blank=True)
    start = models.DateTimeField()
    end = models.DateTimeField()
    service = models.ForeignKey(
        "catalog.Service",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: the freeze covers every service.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="blackout_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.start:%Y-%m-%d %H:%M} - {self.end:%Y-%m-%d %H:%M})"


class Change(Ticket):
    NUMBER_PREFIX = "CHG"
    moves = MOVES

    status = models.PositiveSmallIntegerField(choices=Status, default=Status.NEW, editable=False)
    type = models.CharField(max_length=16, choices=Type, default=Type.NORMAL)
    template = models.ForeignKey(
        ChangeTemplate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="changes",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    justification = models.TextField(blank=True, max_length=50_000)
    services = models.ManyToManyField(
        "catalog.Service", related_name="changes", blank=True, verbose_name="affected services"
    )
    risk = models.CharField(max_length=16, choices=Risk, default=Risk.MODERATE, editable=False)
    risk_answers = models.JSONField(
        default=dict, blank=True, help_text="The risk questions' answers the risk comes from."
    )
    implementation_plan = models.TextField(blank=True, max_length=50_000)
    backout_plan = models.TextField(blank=True, max_length=50_000)
    test_plan = models.TextField(blank=True, max_length=50_000)
    planned_start = models.DateTimeField(null=True, blank=True)
    planned_end = models.DateTimeField(null=True, blank=True)
    customer_visible = models.BooleanField(
        default=False,
        help_text="Shown on the public status page as maintenance of its services, with its "
        "title and window: the services are under maintenance while it is implemented.",
    )
    actual_start = models.DateTimeField(null=True, blank=True, editable=False)
    actual_end = models.DateTimeField(null=True, blank=True, editable=False)
    conflict_override_reason = models.TextField(blank=True, editable=False)
    close_code = models.CharField(max_length=32, choices=CloseCode, blank=True, editable=False)
    close_notes = models.TextField(blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)
    fixes_problems = models.ManyToManyField(
        Problem, through="ChangeProblem", related_name="fixed_by_changes", blank=True
    )
    caused_incidents = models.ManyToManyField(
        Incident, through="ChangeIncident", related_name="caused_by_changes", blank=True
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [
            ("override_conflict", "Can schedule a change despite a conflict"),
            ("approve_emergency", "Can approve emergency changes"),
            ("override_priority", "Can override a change's priority"),
        ]
        indexes = [
            models.Index(fields=["status", "planned_start"], name="chg_status_start"),
            models.Index(fields=["type", "status"], name="chg_type_status"),
            models.Index(fields=["assignment_group", "status"], name="chg_group_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(planned_end__gt=models.F("planned_start"))
                | models.Q(planned_start__isnull=True)
                | models.Q(planned_end__isnull=True),
                name="change_window_ends_after_start",
            )
        ]

    def clean(self) -> None:
        """The window's check constraint, as a field error: ``validate_ticket`` skips
        constraints (one query each), and this one needs none."""
        super().clean()
        start, end = self.planned_start, self.planned_end
        if start is not None and end is not None and end <= start:
            raise ValidationError({"planned_end": ["The window ends after it starts."]})

    @property
    def requester_id(self) -> int | None:
        return self.requested_by_id

    def is_requester(self, user: Any) -> bool:
        return self.requested_by_id is not None and self.requested_by_id == user.pk


class ChangeTimelineEntry(TimelineEntry):
    ticket = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline"
        indexes = [models.Index(fields=["ticket", "created_at"], name="chg_timeline_ticket")]


class ApprovalState(models.TextChoices):
    REQUESTED = "requested", "Requested"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    CANCELED = "canceled", "No longer needed"


class ChangeApproval(models.Model):
    """One approval asked of a user, a group (any member decides), or, for an emergency
    change, of any emergency approver."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="approvals")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        "catalog.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    emergency = models.BooleanField(default=False)
    state = models.CharField(max_length=16, choices=ApprovalState, default=ApprovalState.REQUESTED)
    comment = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    requested_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["requested_at", "id"]
        indexes = [models.Index(fields=["state", "change"], name="chg_approval_state")]

    def __str__(self) -> str:
        return f"{self.approver_label}: {self.get_state_display()}"

    @property
    def approver_label(self) -> str:
        if self.emergency:
            return "Emergency approver"
        return str(self.approver or self.group)


class ChangeProblem(models.Model):
    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="problem_links")
    problem = models.ForeignKey(Problem, on_delete=models.CASCADE, related_name="change_links")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["change", "problem"], name="change_problem_unique")
        ]

    def __str__(self) -> str:
        return f"{self.change_id} fixes {self.problem_id}"


class ChangeIncident(models.Model):
    """An incident caused by a change: one causing change per incident."""

    change = models.ForeignKey(Change, on_delete=models.CASCADE, related_name="incident_links")
    incident = models.OneToOneField(Incident, on_delete=models.CASCADE, related_name="cause_link")
    linked_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.incident_id} caused by {self.change_id}"
