"""The review: draft, submitted to named reviewers, approved by each (never by the author),
sent back, published; each move with its state, timestamps, history row, timeline event
and the people it tells."""

import pytest

from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from notifications.models import Notification
from postmortems.models import Status
from postmortems.workflow import (
    postmortem_add_reviewer,
    postmortem_move,
    postmortem_remove_reviewer,
)
from tests.postmortems.conftest import history_of, verbs

pytestmark = pytest.mark.django_db


def test_submitting_needs_a_named_reviewer(postmortem, agent):
    with pytest.raises(MoveNotAllowed, match="name at least one reviewer first"):
        postmortem_move(postmortem, "submit", by=agent)

    postmortem.refresh_from_db()
    assert postmortem.status == Status.DRAFT


def test_submit_asks_the_reviewers_by_name(in_review, other_agent):
    assert in_review.status == Status.IN_REVIEW
    assert in_review.submitted_at is not None
    assert verbs(in_review)[-3:] == ["reviewer_added", "submit", "review_requested"]
    asked = in_review.timeline.get(verb="review_requested")
    assert asked.data["reviewers"] == [other_agent.pk]
    told = Notification.objects.filter(kind="postmortem_review", recipient=other_agent)
    assert told.exists()
    assert history_of(in_review)[-1].history_change_reason == "Submit for review"


def test_the_author_may_not_approve_their_own_review(in_review, agent):
    with pytest.raises(MoveForbidden):
        postmortem_move(in_review, "approve", by=agent)
    assert "approve" not in [move.name for move in in_review.moves.offered(in_review, agent)]


def test_the_author_may_not_be_named_a_reviewer(postmortem, agent):
    with pytest.raises(MoveInvalid, match="cannot review their own"):
        postmortem_add_reviewer(postmortem, by=agent, user=agent)


def test_only_named_reviewers_approve(in_review, manager):
    with pytest.raises(MoveForbidden):
        postmortem_move(in_review, "approve", by=manager)


def test_approval_is_recorded_and_the_review_stays_in_review(approved, other_agent, agent):
    assert approved.status == Status.IN_REVIEW
    reviewer = approved.reviewers.get(user=other_agent)
    assert reviewer.approved_at is not None
    assert history_of(reviewer)[-1].history_user == other_agent
    event = approved.timeline.filter(verb="approve").get()
    assert event.data["reviewer"] == str(other_agent)
    assert event.data["waiting_for"] == []
    # The author hears of it.
    assert Notification.objects.filter(recipient=agent, kind="state_changed").exists()


def test_approving_twice_is_refused(approved, other_agent):
    with pytest.raises(MoveForbidden):
        postmortem_move(approved, "approve", by=other_agent)


def test_publishing_waits_for_every_reviewer(in_review, agent, manager, other_agent):
    postmortem_add_reviewer(in_review, by=agent, user=manager)
    postmortem_move(in_review, "approve", by=other_agent)

    with pytest.raises(MoveNotAllowed, match="every named reviewer"):
        postmortem_move(in_review, "publish", by=agent)

    postmortem_move(in_review, "approve", by=manager)
    published = postmortem_move(in_review, "publish", by=agent)
    assert published.status == Status.PUBLISHED
    assert published.published_at is not None
    assert published.is_finished
    assert verbs(published)[-1] == "publish"


def test_request_changes_goes_back_to_draft_and_clears_approvals(approved, other_agent):
    back = postmortem_move(approved, "request_changes", by=other_agent, reason="Add the timeline")

    assert back.status == Status.DRAFT
    assert back.submitted_at is None
    reviewer = back.reviewers.get()
    assert reviewer.approved_at is None
    assert history_of(reviewer)[-1].history_change_reason == "Approval cleared: changes requested"
    assert back.timeline.filter(verb="request_changes").get().body == "Add the timeline"


def test_request_changes_needs_a_reason(in_review, other_agent):
    with pytest.raises(MoveInvalid):
        postmortem_move(in_review, "request_changes", by=other_agent, reason="")


def test_the_last_reviewer_stays_while_in_review(in_review, agent, other_agent):
    with pytest.raises(MoveNotAllowed, match="name another reviewer"):
        postmortem_remove_reviewer(in_review, by=agent, user=other_agent)


def test_a_published_review_is_read_only(approved, agent):
    published = postmortem_move(approved, "publish", by=agent)
    from postmortems.workflow import postmortem_update

    with pytest.raises(MoveNotAllowed, match="read-only"):
        postmortem_update(published, by=agent, changes={"lessons": "More"})


def test_starting_a_review_tells_the_group_not_the_services_subscribers(
    reviewed_incident, agent, caller, other_agent
):
    from notifications.models import ServiceSubscription
    from postmortems.workflow import postmortem_create_for

    ServiceSubscription.objects.create(user=caller, service=reviewed_incident.service)
    postmortem = postmortem_create_for(reviewed_incident, by=agent)

    assert postmortem.number == "PIR0000001"
    assert history_of(postmortem)[0].history_change_reason == "Started"
    told = Notification.objects.filter(kind="created", subject__contains=postmortem.number)
    assert set(told.values_list("recipient__username", flat=True)) == {"bob", "maria"}
