"""Incidents: ServiceNow's state model (ITIL.md) on the shared ticket kernel."""

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from incidents.milestone_order import MILESTONES, field_of, milestone_refusal
from kernel.models import Ticket, TimelineEntry
from kernel.notices import MOVE_AUDIENCE, Audience, NoticeKind, audience
from kernel.timeline import Shown
from kernel.transitions import Move, MoveTable

if TYPE_CHECKING:
    from accounts.models import User


class Status(models.IntegerChoices):
    NEW = 1, "New"
    IN_PROGRESS = 2, "In Progress"
    ON_HOLD = 3, "On Hold"
    RESOLVED = 6, "Resolved"
    CLOSED = 7, "Closed"
    CANCELED = 8, "Canceled"


OPEN_STATES = frozenset({Status.NEW, Status.IN_PROGRESS, Status.ON_HOLD})
WORK = "incidents.change_incident"
DECLARE = "incidents.declare_major"
# Who hears that an incident became (or stopped being) a major incident: everyone working
# it, its group's manager, and the people watching it.
MAJOR_AUDIENCE = audience(Audience.ASSIGNEE, Audience.GROUP, Audience.MANAGER, Audience.WATCHERS)


def _is_major(incident: "Incident") -> bool:
    return incident.major_since is not None


def _not_major(incident: "Incident") -> bool:
    return incident.major_since is None


MOVES = MoveTable(
    Status,
    (
        Move(
            "acknowledge",
            "Acknowledge",
            frozenset({Status.NEW}),
            Status.IN_PROGRESS,
            permission=WORK,
            words="acknowledged",
            help="Take the incident on: stamps the acknowledged time (MTTA).",
        ),
        Move(
            "hold",
            "Put on hold",
            frozenset({Status.NEW, Status.IN_PROGRESS}),
            Status.ON_HOLD,
            permission=WORK,
            words="put on hold",
        ),
        Move(
            "resume",
            "Resume",
            frozenset({Status.ON_HOLD}),
            Status.IN_PROGRESS,
            permission=WORK,
            words="resumed",
            requester_may=True,
            help="Back to work; a caller's reply to an incident awaiting the caller does this.",
        ),
        Move(
            "resolve",
            "Resolve",
            frozenset(OPEN_STATES),
            Status.RESOLVED,
            permission=WORK,
            words="resolved",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
        ),
        Move(
            "reopen",
            "Reopen",
            frozenset({Status.RESOLVED}),
            Status.IN_PROGRESS,
            permission=WORK,
            words="reopened",
            requester_may=True,
            help="The caller rejects the fix ('still broken'): counts a reopen.",
        ),
        Move(
            "confirm",
            "Confirm fix",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            permission=WORK,
            words="closed (fix confirmed)",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
            requester_may=True,
            help="The caller confirms the fix.",
        ),
        Move(
            "close",
            "Close",
            frozenset({Status.RESOLVED}),
            Status.CLOSED,
            permission=WORK,
            words="closed",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
        ),
        Move(
            "cancel",
            "Cancel",
            frozenset(OPEN_STATES),
            Status.CANCELED,
            permission="incidents.cancel_incident",
            words="canceled",
            audience=MOVE_AUDIENCE | {Audience.SUBSCRIBERS},
        ),
        # A major incident is a way of working an open incident, not a state of its own.
        Move(
            "declare",
            "Declare major incident",
            frozenset(OPEN_STATES),
            None,
            permission=DECLARE,
            only_if=_not_major,
            only_if_help="it is already a major incident",
            words="declared a major incident",
            kind=NoticeKind.MAJOR_INCIDENT,
            audience=MAJOR_AUDIENCE,
            help="Switch to coordinated response: the declarer is the incident commander "
            "until someone else is named. P1 and SEV1 incidents are declared by themselves "
            "(per service).",
        ),
        Move(
            "undeclare",
            "Undeclare major incident",
            frozenset(OPEN_STATES),
            None,
            permission=DECLARE,
            only_if=_is_major,
            only_if_help="it is not a major incident",
            words="no longer a major incident",
            kind=NoticeKind.MAJOR_INCIDENT,
            audience=MAJOR_AUDIENCE,
            help="Back to normal handling; roles and child links stay on record.",
        ),
        # ITIL's two escalations record something without leaving the state: the incident
        # is still unacknowledged (or held) for whoever picks it up next.
        Move(
            "escalate_group",
            "Escalate to another group",
            frozenset(OPEN_STATES),
            None,
            permission=WORK,
            kind=NoticeKind.ASSIGNED,
            audience=audience(Audience.GROUP),  # the new group's queue is everyone's
            help="Functional escalation: hands the incident to another group's queue (clears "
            "the assignee, counts a reassignment); the new group's members are told.",
        ),
        Move(
            "escalate_manager",
            "Escalate to the manager",
            frozenset(OPEN_STATES),
            None,
            permission=WORK,
            words="escalated to the team's manager",
            kind=NoticeKind.ESCALATED,
            audience=audience(Audience.MANAGER),
            help="Hierarchical escalation: tells the assignment group's manager, with the reason.",
        ),
    ),
    open=OPEN_STATES,
    finished=frozenset({Status.CLOSED, Status.CANCELED}),
)


class Source(models.TextChoices):
    MONITORING = "monitoring", "Monitoring"
    EMAIL = "email", "Email"
    PORTAL = "portal", "Self-service portal"
    PHONE = "phone", "Phone"
    CHAT = "chat", "Chat"
    API = "api", "API"


class Severity(models.IntegerChoices):
    SEV1 = 1, "SEV1 - Complete outage"
    SEV2 = 2, "SEV2 - Major impact"
    SEV3 = 3, "SEV3 - Partial impact"
    SEV4 = 4, "SEV4 - Minimal impact"


class HoldReason(models.TextChoices):
    AWAITING_CALLER = "awaiting_caller", "Awaiting Caller"
    AWAITING_EVIDENCE = "awaiting_evidence", "Awaiting Evidence"
    AWAITING_CHANGE = "awaiting_change", "Awaiting Change"
    AWAITING_PROBLEM = "awaiting_problem", "Awaiting Problem"
    AWAITING_VENDOR = "awaiting_vendor", "Awaiting Vendor"


class ResolutionCode(models.TextChoices):
    SOLUTION_PROVIDED = "solution_provided", "Solution provided"
    WORKAROUND_PROVIDED = "workaround_provided", "Workaround provided"
    KNOWN_ERROR = "known_error", "Known error"
    RESOLVED_BY_CHANGE = "resolved_by_change", "Resolved by change"
    RESOLVED_BY_PROBLEM = "resolved_by_problem", "Resolved by problem"
    RESOLVED_BY_CALLER = "resolved_by_caller", "Resolved by caller"
    USER_ERROR = "user_error", "User error"
    DUPLICATE = "duplicate", "Duplicate"
    NOT_REPRODUCIBLE = "not_reproducible", "Not reproducible"
    NO_RESOLUTION = "no_resolution", "No resolution provided"
    CLEARED_BY_MONITORING = "cleared_by_monitoring", "Cleared by monitoring"


class CloseCode(models.TextChoices):
    CONFIRMED = "confirmed", "Confirmed by caller"
    CLOSED_BY_AGENT = "closed_by_agent", "Closed by agent"
    AUTO_CLOSED = "auto_closed", "Closed automatically (no answer)"
    CANCELED = "canceled", "Canceled"


STATES = ("from", "to")

# What the caller (and their delegates) see of the timeline, in their words: the portal
# and the API read it. Reassignments, priority changes, escalations, pages, field edits
# and work notes are the desk's, and so is any verb or data key not named here.
CALLER_TIMELINE: dict[str, Shown] = {
    "created": Shown("Reported"),
    "acknowledge": Shown("An agent picked this up", data=STATES),
    # Only a question to the caller is for the caller; vendor ticket numbers and the like
    # stay with the desk.
    "hold": Shown(
        "On hold",
        body=lambda data: data.get("hold_reason") == HoldReason.AWAITING_CALLER,
        data=(*STATES, "hold_reason"),
    ),
    "resume": Shown("Work resumed", data=STATES),
    "resolve": Shown("Resolved", body=True, data=(*STATES, "resolution_code")),
    "reopen": Shown("Reopened: still broken", body=True, data=STATES),
    "confirm": Shown("Fix confirmed: closed", data=(*STATES, "close_code")),
    "close": Shown("Closed", data=(*STATES, "close_code")),
    "cancel": Shown("Canceled", body=True, data=STATES),
    "attached": Shown("Files added", body=True, data=("files",)),
}


class Incident(Ticket):
    NUMBER_PREFIX = "INC"
    moves = MOVES
    requester_timeline = CALLER_TIMELINE

    status = models.PositiveSmallIntegerField(choices=Status, default=Status.NEW, editable=False)
    source = models.CharField(max_length=16, choices=Source, default=Source.PHONE)
    caller = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="incidents_called",
    )
    contact = models.CharField(
        max_length=200, blank=True, help_text="How to reach the caller about this incident."
    )
    severity = models.PositiveSmallIntegerField(
        choices=Severity, null=True, blank=True, help_text="The SRE view of the impact."
    )
    location = models.ForeignKey(
        "catalog.Location", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    configuration_item = models.ForeignKey(
        "catalog.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="configuration item",
    )
    hold_reason = models.CharField(max_length=32, choices=HoldReason, blank=True, editable=False)
    reopen_count = models.PositiveIntegerField(default=0, editable=False)
    resolution_code = models.CharField(
        max_length=32, choices=ResolutionCode, blank=True, editable=False
    )
    resolution_notes = models.TextField(blank=True, editable=False)
    close_code = models.CharField(max_length=32, choices=CloseCode, blank=True, editable=False)
    close_notes = models.TextField(blank=True, editable=False)

    impact_started_at = models.DateTimeField(
        null=True,
        blank=True,
        editable=False,
        help_text="When customers were first affected, often before anyone detected it: "
        "set by hand, with a reason.",
    )
    detected_at = models.DateTimeField(
        null=True, blank=True, help_text="When monitoring saw it start (defaults to reported)."
    )
    reported_at = models.DateTimeField(editable=False, db_index=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True, editable=False)
    mitigated_at = models.DateTimeField(null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(null=True, blank=True, editable=False)

    major_since = models.DateTimeField(
        "major incident since",
        null=True,
        blank=True,
        editable=False,
        help_text="When it was declared a major incident; empty when it is not one.",
    )
    war_room_url = models.URLField(
        "war room",
        max_length=500,
        blank=True,
        help_text="The chat channel or video call where the response is coordinated.",
    )
    made_sla = models.BooleanField(
        "made SLA",
        null=True,
        editable=False,
        help_text="Whether every SLA clock of the incident was met (None while any runs, "
        "or without clocks).",
    )
    major_incident = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="children",
        help_text="The major incident this one reports the same outage as: it is resolved with it.",
    )

    class Meta:
        ordering = ["-reported_at", "-id"]
        permissions = [
            ("cancel_incident", "Can cancel incidents"),
            ("override_priority", "Can override an incident's priority"),
            ("declare_major", "Can declare and undeclare major incidents"),
        ]
        indexes = [
            models.Index(fields=["status", "priority"], name="inc_status_priority"),
            # A queue by state in the default order (newest first) reads 50 index entries,
            # not every newer incident of other states.
            models.Index(fields=["status", "reported_at", "id"], name="inc_status_reported"),
            models.Index(fields=["assignment_group", "status"], name="inc_group_status"),
            models.Index(fields=["assigned_to", "status"], name="inc_assignee_status"),
            models.Index(fields=["caller", "status"], name="inc_caller_status"),
            models.Index(fields=["service", "status"], name="inc_service_status"),
            models.Index(fields=["severity", "status"], name="inc_severity_status"),
            # The major-incident board and the "open major incident on this service"
            # suggestion read only the few declared ones.
            models.Index(
                fields=["service", "status"],
                name="inc_major_service",
                condition=models.Q(major_since__isnull=False),
            ),
            # The metrics app's reports (docs/metrics.md). MTBF and the per-service counts
            # group one service's incidents of a period; the backlog reads the open ones
            # (a small part of a big desk) and, for a past instant, those resolved or
            # closed after it.
            models.Index(fields=["service", "reported_at"], name="inc_metrics_service_reported"),
            models.Index(
                fields=["reported_at"],
                name="inc_metrics_open",
                condition=models.Q(resolved_at__isnull=True, closed_at__isnull=True),
            ),
            models.Index(fields=["resolved_at"], name="inc_metrics_resolved"),
            models.Index(fields=["closed_at"], name="inc_metrics_closed"),
        ]

    @property
    def requester_id(self) -> int | None:
        return self.caller_id

    @property
    def awaiting_caller(self) -> bool:
        """On hold until the caller answers: the caller's reply resumes it."""
        return self.status == Status.ON_HOLD and self.hold_reason == HoldReason.AWAITING_CALLER

    def portal_path(self) -> str:
        return reverse("portal:incident", args=[self.number])

    @property
    def is_major(self) -> bool:
        """Declared a major incident (by hand, or by itself for P1/SEV1: ``incidents.major``)."""
        return self.major_since is not None

    @staticmethod
    def qualifies_major(priority: int, severity: int | None) -> bool:
        """ITIL.md: a SEV1/SEV2 or P1 incident is a major incident."""
        return priority == 1 or severity in (Severity.SEV1, Severity.SEV2)

    def clean(self) -> None:
        """Milestones in order (``incidents.milestone_order``), whichever way they were set."""
        refusal = milestone_refusal({name: getattr(self, field_of(name)) for name in MILESTONES})
        if refusal:
            raise ValidationError({"detected_at": [refusal]})

    def notice_facts(self) -> list[tuple[str, str]]:
        """A major incident's roles and war room, in every notice about it. The roles are
        read once per notice (``roles`` prefetched when the caller has them)."""
        if not self.is_major:
            return []
        facts = [("Major incident since", f"{self.major_since:%Y-%m-%d %H:%M} UTC")]
        for role in self.roles.select_related("user").order_by("role", "id"):
            facts.append((role.get_role_display(), str(role.user)))
        if self.war_room_url:
            facts.append(("War room", self.war_room_url))
        return facts

    def is_requester(self, user: "User") -> bool:
        """The caller, or someone a manager lets report for the caller (a delegate)."""
        if self.caller_id is None:
            return False
        if self.caller_id == user.pk:
            return True
        from incidents.visibility import reports_for_caller

        return reports_for_caller(user, self.caller_id)

    @classmethod
    def search_q(cls, term: str) -> models.Q:
        # A subquery over people, not a join: it keeps the list free of duplicates and of
        # DISTINCT, and the people table is small next to the incidents.
        callers = get_user_model().objects.filter(
            models.Q(username__icontains=term)
            | models.Q(email__icontains=term)
            | models.Q(first_name__icontains=term)
            | models.Q(last_name__icontains=term)
        )
        return models.Q(caller__in=callers.values("pk"))


class Role(models.TextChoices):
    """The major-incident roles (incident command): one person each, experts many."""

    COMMANDER = "commander", "Incident commander"
    COMMUNICATIONS = "communications", "Communications lead"
    SCRIBE = "scribe", "Scribe"
    EXPERT = "expert", "Subject-matter expert"


SINGLE_ROLES = (Role.COMMANDER, Role.COMMUNICATIONS, Role.SCRIBE)


class IncidentRole(models.Model):
    """Who holds a role on a (major) incident. Written only by ``incidents.major``."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(max_length=16, choices=Role)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(default=timezone.now, editable=False)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["incident", "role", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "role"],
                condition=~models.Q(role="expert"),
                name="incident_role_single",
            ),
            models.UniqueConstraint(
                fields=["incident", "role", "user"], name="incident_role_user_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"


class IncidentTimelineEntry(TimelineEntry):
    ticket = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline"
        indexes = [models.Index(fields=["ticket", "created_at"], name="inc_timeline_ticket")]


def attachment_path(instance: "IncidentAttachment", filename: str) -> str:
    """A generated name: nothing the uploader typed reaches the file system. The extension
    is one of the few ``incidents.attachments`` allows, already lower-cased."""
    suffix = filename.rsplit(".", 1)[-1] if "." in filename else "bin"
    return f"incident-attachments/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{suffix}"


class IncidentAttachment(models.Model):
    """A file the caller (or an agent) added to an incident. Written only through
    ``incidents.attachments.incident_attach``, which checks the type by content."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=attachment_path, max_length=255)
    name = models.CharField(max_length=255, help_text="The original name, made safe to show.")
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    internal = models.BooleanField(
        default=False,
        editable=False,
        help_text="Only agents see it: a received mail as it came (original.eml), which may "
        "be from someone the caller must not read.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["incident", "created_at"], name="inc_attachment_incident")]

    def __str__(self) -> str:
        return self.name
