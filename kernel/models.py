"""The ticket kernel: what incidents, problems and changes share.

Abstract ``Ticket`` and ``TimelineEntry`` carry the shared fields; ``NumberSequence`` hands
out human numbers and ``PriorityCell`` holds the impact x urgency matrix as data.
``IdempotencyKey`` keeps the first answer to an API POST sent with an ``Idempotency-Key``.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from kernel.enums import Impact, Priority, TimelineKind, Urgency
from kernel.querysets import TicketQuerySet

if TYPE_CHECKING:
    from accounts.models import User
    from kernel.notices import Notice
    from kernel.timeline import Shown
    from kernel.transitions import MoveTable


class NumberSequence(models.Model):
    """The last number handed out per prefix (INC, PRB, CHG)."""

    prefix = models.CharField(max_length=8, primary_key=True)
    last = models.PositiveBigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.prefix}: {self.last}"


class PriorityCell(models.Model):
    """One cell of the priority matrix. The matrix is configuration: desks use variants."""

    impact = models.PositiveSmallIntegerField(choices=Impact)
    urgency = models.PositiveSmallIntegerField(choices=Urgency)
    priority = models.PositiveSmallIntegerField(choices=Priority)
    history = HistoricalRecords()

    class Meta:
        ordering = ["impact", "urgency"]
        constraints = [
            models.UniqueConstraint(fields=["impact", "urgency"], name="priority_cell_unique"),
        ]
        verbose_name = "priority matrix cell"

    def __str__(self) -> str:
        return f"impact {self.impact} x urgency {self.urgency} = P{self.priority}"


class Ticket(models.Model):
    """Fields and behaviour every ticket type shares. ``status`` is declared by each type
    with its own choices, and only its ``workflow`` module assigns it."""

    NUMBER_PREFIX: ClassVar[str]
    moves: ClassVar["MoveTable"]
    requester_timeline: ClassVar[Mapping[str, "Shown"]] = {}
    """The events the requester sees, by verb, and what of each (``kernel.timeline``):
    an allow-list, so none by default."""

    number = models.CharField(max_length=20, unique=True, editable=False)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True, max_length=50_000)
    status: Any
    impact = models.PositiveSmallIntegerField(choices=Impact, default=Impact.LOW)
    urgency = models.PositiveSmallIntegerField(choices=Urgency, default=Urgency.LOW)
    priority = models.PositiveSmallIntegerField(
        choices=Priority, default=Priority.PLANNING, editable=False
    )
    priority_override_reason = models.CharField(
        max_length=500,
        blank=True,
        editable=False,
        help_text="Set when a manager overrode the priority the matrix gives.",
    )
    service = models.ForeignKey(
        "catalog.Service", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    category = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subcategory = models.ForeignKey(
        "catalog.Category", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assignment_group = models.ForeignKey(
        "catalog.Team", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reassignment_count = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    history = HistoricalRecords(inherit=True)

    objects = TicketQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @classmethod
    def search_q(cls, term: str) -> models.Q | None:
        """What else free-text search matches for this ticket type (besides number and
        title). Keep it to indexed columns or id subqueries: it runs on every search."""
        return None

    @property
    def is_open(self) -> bool:
        """Still being worked: the move table's open states."""
        return self.status in type(self).moves.open

    @property
    def is_finished(self) -> bool:
        """Read-only for good (closed, canceled): the move table's finished states."""
        return self.status in type(self).moves.finished

    @property
    def priority_overridden(self) -> bool:
        return bool(self.priority_override_reason)

    def is_requester(self, user: "User") -> bool:
        """Whether ``user`` asked for this ticket; such a user may make requester moves."""
        return False

    @property
    def requester_id(self) -> int | None:
        """Who asked for the ticket, for notices to its requester (none by default)."""
        return None

    def notice_facts(self) -> list[tuple[str, str]]:
        """(label, value) lines every notice about the ticket carries besides its number,
        title and state (a major incident's commander and war room); none by default."""
        return []

    def portal_path(self) -> str:
        """The ticket's page for people who are not agents (the end users' portal), or ""
        when the type has none: notices to them link there instead of the admin."""
        return ""


class TimelineEntry(models.Model):
    """One line of a ticket's timeline: a system event, a work note or a comment.

    Concrete subclasses add ``ticket = ForeignKey(<Ticket>, related_name="timeline")``."""

    kind = models.CharField(max_length=16, choices=TimelineKind, default=TimelineKind.EVENT)
    verb = models.CharField(
        max_length=32, blank=True, help_text="What happened: a move name, 'assigned', ..."
    )
    body = models.TextField(blank=True, max_length=50_000)
    data = models.JSONField(default=dict, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    notice: "Notice | None" = None
    """Whom the event tells and how (``kernel.notices``): set by ``record_event`` for the
    handlers it calls, never stored."""

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.verb} at {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_public(self) -> bool:
        """Whether the requester may see it: everything but work notes."""
        return self.kind != TimelineKind.WORK_NOTE


class IdempotencyKey(models.Model):
    """The answer a user's API POST got under their ``Idempotency-Key`` (``kernel.idempotency``):
    written in the request's own transaction, so it exists exactly when the effect does, and
    replayed to every retry with that key until it expires."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(
        max_length=64, help_text="sha256 of the request's method, path and body."
    )
    status_code = models.PositiveSmallIntegerField()
    headers = models.JSONField(default=list, help_text="The response's headers, as pairs.")
    body = models.BinaryField()
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
