"""Postmortems (post-incident reviews) on the shared ticket kernel: one per incident, written
from a template, reviewed by named reviewers and published; their action items, and the
templates managers keep. Every write goes through ``postmortems.workflow`` (the review)
and ``postmortems.action_items`` (the follow-ups)."""

from datetime import date
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from incidents.models import Incident
from kernel.models import Ticket, TimelineEntry
from kernel.notices import Audience, NoticeKind, audience
from kernel.transitions import Move, MoveTable

if TYPE_CHECKING:
    from accounts.models import User


class Status(models.IntegerChoices):
    DRAFT = 1, "Draft"
    IN_REVIEW = 2, "In review"
    PUBLISHED = 3, "Published"


WORK = "postmortems.change_postmortem"

# The sections of a review, in the order it reads: (field, heading). A template asks for
# some of them, each with its prompt.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("root_causes", "Root causes"),
    ("contributing_factors", "Contributing factors"),
    ("went_well", "What went well"),
    ("went_badly", "What went badly"),
    ("got_lucky", "Where we got lucky"),
    ("lessons", "Lessons"),
)
SECTION_TITLES = dict(SECTIONS)


def _has_reviewers(postmortem: "Postmortem") -> bool:
    return postmortem.reviewers.exists()


def _all_approved(postmortem: "Postmortem") -> bool:
    reviewers = postmortem.reviewers.all()
    return reviewers.exists() and not reviewers.filter(approved_at__isnull=True).exists()


class ApproverMove(Move):
    """A move only a named reviewer who has yet to approve makes (never the author, who
    may not approve their own review): ``permits`` asks the reviewer list, so the
    buttons, the API's ``allowed_moves`` and the refusal under the row lock all agree."""

    def permits(self, user: "User | None", ticket: Any) -> bool:
        if user is None:
            return True
        if not user.is_active or user.pk == ticket.author_id:
            return False
        pending = ticket.reviewers.filter(user=user, approved_at__isnull=True)
        return bool(pending.exists())


class ReviewerOrAuthorMove(Move):
    """Any named reviewer sends the review back; the author may too (to withdraw it)."""

    def permits(self, user: "User | None", ticket: Any) -> bool:
        if user is None:
            return True
        if not user.is_active:
            return False
        return user.pk == ticket.author_id or bool(ticket.reviewers.filter(user=user).exists())


# The author and the watchers hear how the review goes; the reviewers are told by name
# when it is theirs to read (``postmortems.workflow``).
TOLD = audience(Audience.REQUESTER, Audience.WATCHERS)

MOVES = MoveTable(
    Status,
    (
        Move(
            "submit",
            "Submit for review",
            frozenset({Status.DRAFT}),
            Status.IN_REVIEW,
            permission=WORK,
            words="submitted for review",
            kind=NoticeKind.STATE_CHANGED,
            audience=TOLD,
            only_if=_has_reviewers,
            only_if_help="name at least one reviewer first",
            help="Asks the named reviewers to read it; lists blameless-language warnings.",
        ),
        ApproverMove(
            "approve",
            "Approve",
            frozenset({Status.IN_REVIEW}),
            None,
            permission=WORK,
            words="approved",
            audience=TOLD,
            help="A named reviewer approves; the author cannot approve their own review.",
        ),
        ReviewerOrAuthorMove(
            "request_changes",
            "Request changes",
            frozenset({Status.IN_REVIEW}),
            Status.DRAFT,
            permission=WORK,
            words="sent back for changes",
            audience=TOLD,
            help="Back to draft, with the reason; every approval so far is cleared.",
        ),
        Move(
            "publish",
            "Publish",
            frozenset({Status.IN_REVIEW}),
            Status.PUBLISHED,
            permission=WORK,
            words="published",
            audience=TOLD | {Audience.GROUP},
            only_if=_all_approved,
            only_if_help="every named reviewer has to approve it first",
            help="Once every named reviewer approved: the review is final and read-only.",
        ),
    ),
    open=frozenset({Status.DRAFT, Status.IN_REVIEW}),
    finished=frozenset({Status.PUBLISHED}),
)


class PostmortemTemplate(models.Model):
    """What a review asks for: each section with a prompt is in it, the others are left
    out. Managers keep them in the admin; "Default" and "Lightweight" ship with the app."""

    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    is_default = models.BooleanField(
        default=False, help_text="Used when a postmortem is started without naming one."
    )
    is_active = models.BooleanField(default=True)
    root_causes = models.TextField("root causes prompt", blank=True)
    contributing_factors = models.TextField("contributing factors prompt", blank=True)
    went_well = models.TextField("what went well prompt", blank=True)
    went_badly = models.TextField("what went badly prompt", blank=True)
    got_lucky = models.TextField("where we got lucky prompt", blank=True)
    lessons = models.TextField("lessons prompt", blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_default"],
                condition=models.Q(is_default=True),
                name="pm_template_one_default",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if not any(getattr(self, key).strip() for key, _ in SECTIONS):
            raise ValidationError("Give at least one section a prompt.")

    def sections(self) -> list[dict[str, str]]:
        """The sections it asks for, in reading order, each with its prompt."""
        return [
            {"key": key, "title": title, "prompt": getattr(self, key).strip()}
            for key, title in SECTIONS
            if getattr(self, key).strip()
        ]


class Postmortem(Ticket):
    """The review of one incident. The facts (impact, durations, key events) are copied
    from the incident when it is started; the sections are written by people."""

    NUMBER_PREFIX = "PIR"
    moves = MOVES

    status = models.PositiveSmallIntegerField(choices=Status, default=Status.DRAFT, editable=False)
    incident = models.OneToOneField(
        Incident, on_delete=models.PROTECT, related_name="postmortem", editable=False
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", editable=False
    )
    template = models.ForeignKey(
        PostmortemTemplate, on_delete=models.SET_NULL, null=True, blank=True, editable=False
    )
    description = models.TextField("summary", blank=True, max_length=50_000)
    customer_impact = models.TextField(blank=True, max_length=50_000)
    services = models.ManyToManyField("catalog.Service", blank=True, related_name="+")
    impact_started_at = models.DateTimeField(null=True, blank=True, editable=False)
    impact_ended_at = models.DateTimeField(null=True, blank=True, editable=False)
    durations = models.JSONField(
        default=dict, blank=True, editable=False, help_text="Seconds, from the milestones."
    )
    key_events = models.JSONField(
        default=list, blank=True, editable=False, help_text="The incident's starred events."
    )
    sections = models.JSONField(
        default=list, blank=True, editable=False, help_text="The template's sections asked for."
    )
    root_causes = models.TextField(blank=True, max_length=50_000)
    contributing_factors = models.TextField(blank=True, max_length=50_000)
    went_well = models.TextField("what went well", blank=True, max_length=50_000)
    went_badly = models.TextField("what went badly", blank=True, max_length=50_000)
    got_lucky = models.TextField("where we got lucky", blank=True, max_length=50_000)
    lessons = models.TextField(blank=True, max_length=50_000)
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="postmortems",
        help_text="The problem opened from its root causes.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        permissions = [("override_priority", "Can override a postmortem's priority")]
        indexes = [models.Index(fields=["status", "created_at"], name="pir_status_created")]

    @property
    def requester_id(self) -> int | None:
        # The author hears how the review goes, as a requester hears of their ticket.
        return self.author_id

    def is_requester(self, user: "User") -> bool:
        return False  # the author writes with the agents' rights, no requester moves

    def section_texts(self) -> list[tuple[str, str, str]]:
        """(key, heading, text) of every section the template asked for, else all six."""
        keys = [item["key"] for item in self.sections] or [key for key, _ in SECTIONS]
        return [(key, SECTION_TITLES[key], getattr(self, key)) for key in keys]


class PostmortemTimelineEntry(TimelineEntry):
    ticket = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="timeline")

    class Meta(TimelineEntry.Meta):
        verbose_name = "timeline entry"
        verbose_name_plural = "timeline"
        indexes = [models.Index(fields=["ticket", "created_at"], name="pir_timeline_ticket")]


class PostmortemReviewer(models.Model):
    """A person named to review; ``approved_at`` is set when they approve and cleared when
    the review goes back to draft."""

    postmortem = models.ForeignKey(Postmortem, on_delete=models.CASCADE, related_name="reviewers")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    added_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["postmortem", "user"], name="pm_reviewer_unique")
        ]

    def __str__(self) -> str:
        state = "approved" if self.approved_at else "to approve"
        return f"{self.user}: {state}"


class Kind(models.TextChoices):
    DETECT = "detect", "Detect"
    PREVENT = "prevent", "Prevent"
    CORRECT = "correct", "Correct"
    MITIGATE = "mitigate", "Mitigate"
    PROCESS = "process", "Process"


class ItemState(models.TextChoices):
    OPEN = "open", "Open"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"
    WONT_DO = "wont_do", "Won't do"


ITEM_OPEN = frozenset({ItemState.OPEN, ItemState.IN_PROGRESS})


class ActionItem(models.Model):
    """A follow-up of a review, carried out by its owner or by the problem or change it
    links to. Written only through ``postmortems.action_items``."""

    postmortem = models.ForeignKey(
        Postmortem, on_delete=models.CASCADE, related_name="action_items"
    )
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind, default=Kind.CORRECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="action_items"
    )
    due_date = models.DateField(null=True, blank=True)
    state = models.CharField(
        max_length=16, choices=ItemState, default=ItemState.OPEN, editable=False
    )
    wont_do_reason = models.TextField(blank=True, editable=False)
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    change = models.ForeignKey(
        "changes.Change",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="action_items",
    )
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_date", "id"]
        indexes = [
            models.Index(fields=["state", "due_date"], name="pm_item_state_due"),
            models.Index(fields=["owner", "state"], name="pm_item_owner_state"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_open(self) -> bool:
        return self.state in ITEM_OPEN

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.is_open and self.due_date is not None and self.due_date < today
