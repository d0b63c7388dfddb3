"""What the demo's major incidents (``demo.major``) must show once ``load_demo`` ran:
called from tests/test_demo_data.py, which loads the demo once for all its checks."""

from datetime import timedelta

from django.utils import timezone

from incidents.major import role_holders
from incidents.milestone_order import milestone_refusal
from incidents.milestones import milestones_of
from incidents.models import Incident, Role, Severity, Status
from postmortems.models import ItemState
from postmortems.models import Status as Review
from response.board import board_rows
from response.models import StakeholderUpdate, UpdateAudience
from statuspage.enums import Phase
from statuspage.models import PublicIncident

ROLES = {Role.COMMANDER, Role.COMMUNICATIONS, Role.SCRIBE, Role.EXPERT}


def _staffed(incident: Incident) -> None:
    holders = role_holders(incident)
    assert {role for role, users in holders.items() if users} == ROLES, holders
    assert incident.war_room_url.startswith("https://")


def assert_major_incidents() -> None:
    majors = Incident.objects.filter(major_since__isnull=False)
    # The random and the alerts' incidents loaded on services that declare nothing.
    assert majors.count() == 2
    past = majors.get(severity=Severity.SEV1)
    now = majors.get(severity=Severity.SEV2)
    _past(past)
    _in_response(now)
    # The board lists the one in response, and nothing the random load made.
    assert [row.pk for row in board_rows(Incident.objects.all())] == [now.pk]


def _past(incident: Incident) -> None:
    """Closed after its published review; every milestone set, in order, from the story."""
    assert incident.status == Status.CLOSED and incident.priority == 1
    _staffed(incident)
    at = milestones_of(incident)
    assert all(at.values()), at
    assert milestone_refusal(at) is None
    assert at["closed"] - at["impact_started"] > timedelta(days=10)  # a past one
    assert at["resolved"] - at["impact_started"] < timedelta(hours=2)
    corrected = set(incident.timeline.filter(verb="milestone").values_list("body", flat=True))
    assert len(corrected) >= 5 and all(corrected)  # each with its reason
    assert incident.timeline.filter(verb="scribe").count() >= 5

    updates = StakeholderUpdate.objects.filter(incident=incident)
    assert updates.filter(audience=UpdateAudience.INTERNAL).count() == 3
    assert updates.filter(audience=UpdateAudience.PUBLIC).count() == 2
    assert PublicIncident.objects.get(incident=incident).phase == Phase.RESOLVED

    children = list(incident.children.all())
    assert len(children) == 3
    assert all(child.status == Status.CLOSED for child in children)
    for child in children:
        resolved = child.history.filter(history_change_reason__startswith="Resolved with")
        assert resolved.count() == 1, child
        # Resolved with the parent back then, not when the demo loaded.
        assert child.resolved_at == incident.resolved_at
        assert milestone_refusal(milestones_of(child)) is None

    review = incident.postmortem
    assert review.status == Review.PUBLISHED
    assert review.durations["time_to_resolve"] == int(
        (at["resolved"] - at["impact_started"]).total_seconds()
    )
    assert None not in review.durations.values()
    assert len(review.key_events) == 4
    assert review.reviewers.filter(approved_at__isnull=False).exists()
    items = list(review.action_items.all())
    assert sum(item.is_overdue() for item in items) == 1
    carried = [item for item in items if item.problem_id is not None]
    assert len(carried) == 1
    assert carried[0].problem.incident_links.filter(incident=incident).exists()
    assert {item.state for item in items} >= {ItemState.OPEN, ItemState.DONE}


def _in_response(incident: Incident) -> None:
    """Open, declared by the manager, staffed, an update posted, the next one due soon."""
    assert incident.is_open and incident.severity == Severity.SEV2
    assert incident.timeline.get(verb="declare").author.username == "maria"
    _staffed(incident)
    assert StakeholderUpdate.objects.filter(incident=incident).count() == 1
    due = incident.cadence.next_update_due
    assert timezone.now() < due < timezone.now() + timedelta(minutes=15)
    assert incident.children.filter(status__in=[Status.NEW, Status.IN_PROGRESS]).count() == 1
    assert incident.impact_started_at is not None
    assert incident.timeline.filter(verb="scribe").count() == 2
