"""The demo's major incidents, made through the workflows of incidents, response and
postmortems: a past SEV1 told from impact to published postmortem and closed, and an open
SEV2 in response, so `make run` shows the board, the merged timeline, the status page
history, the postmortem and its action items (one overdue, one carried by a problem).

Moves stamp their milestones when they run; the past incident's are set back to when
they happened with ``incident_set_milestone`` and a reason, and the scribe's entries carry
the times of the story. The records of the response itself (roles, updates, the review)
are written when the demo loads, as any import would."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Service
from demo import data
from incidents.major import incident_assign_role, incident_link_major
from incidents.milestones import incident_set_milestone
from incidents.models import Incident, ResolutionCode, Role, Severity, Source
from incidents.workflow import incident_close, incident_create, incident_move, incident_resolve
from kernel.workflow import save_audited
from postmortems.action_items import action_item_create, action_item_move
from postmortems.models import ItemState, Kind
from postmortems.problem_links import problem_open_for_item
from postmortems.workflow import (
    postmortem_add_reviewer,
    postmortem_create_for,
    postmortem_move,
    postmortem_update,
)
from response.timeline import scribe_entry_add, timeline_star
from response.updates import stakeholder_add, stakeholder_update_post
from statuspage.enums import Phase


@contextmanager
def declaring_nothing(services: Sequence[Service]) -> Iterator[None]:
    """No incident on ``services`` declares itself a major incident meanwhile: the demo's
    random incidents are ordinary days (a random P1 would be declared, and its path to
    Close refused for want of a postmortem). Each service's rule is restored after."""
    rules = {service.pk: service.auto_declare_major for service in services}
    for service in services:
        service.auto_declare_major = Service.AutoDeclare.NEVER
        save_audited(service, by=None, reason="Demo seed: ordinary days first")
    try:
        yield
    finally:
        for service in services:
            service.auto_declare_major = rules[service.pk]
            save_audited(service, by=None, reason="Demo seed: major incidents declared again")


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _filed_under(service: Service, subcategory: str) -> dict[str, Any]:
    """The service's own category (``data.CATEGORIES``) and one of its subcategories."""
    parent = Category.objects.get(name=data.CATEGORIES[service.name][0], parent=None)
    return {"category": parent, "subcategory": parent.children.get(name=subcategory)}


def load_major_incidents(manager: User) -> tuple[Incident, Incident]:
    """The past SEV1 (closed) and the open SEV2."""
    return _past_sev1(manager), _open_sev2(manager)


# --- the past SEV1: from impact to a published postmortem -------------------------------

STORY: list[tuple[timedelta, str, bool]] = [
    # (after the impact started, what the scribe wrote, starred)
    (timedelta(minutes=1), "Order API answers 500 to every order; error rate at 100%.", True),
    (timedelta(minutes=11), "On-call DBA paged: database connections at the pool limit.", False),
    (
        timedelta(minutes=27),
        "Connection pool exhausted since deploy 4711 halved the pool size.",
        True,
    ),
    (timedelta(minutes=38), "Rolled back deploy 4711.", True),
    (timedelta(minutes=44), "Orders flowing again; error rate back under 0.1%.", True),
    (timedelta(hours=1, minutes=22), "Backlog of 1,200 queued orders processed.", False),
]


def _past_sev1(manager: User) -> Incident:
    erp = Service.objects.get(name="ERP")
    commander, comms, scribe = _user("priya"), _user("dana"), _user("tom")
    experts = [_user("ivan"), _user("jo")]
    started = timezone.now().replace(second=0, microsecond=0) - timedelta(days=12, hours=5)

    # Logged by the commander six minutes in: a P1 and SEV1, so it declares itself and
    # names her commander.
    incident = incident_create(
        by=commander,
        title="ERP down: orders cannot be placed",
        **_filed_under(erp, "Orders"),
        description="Every order fails with error 500 in the ERP and on the web shop.",
        caller=_user("carol"),
        source=Source.PHONE,
        service=erp,
        impact=1,
        urgency=1,
        severity=Severity.SEV1,
        assignment_group=erp.owner_team,
        assigned_to=commander,
        war_room_url="https://chat.example.com/channels/inc-erp-orders",
        reported_at=started + timedelta(minutes=6),
    )
    for role, user in [(Role.COMMUNICATIONS, comms), (Role.SCRIBE, scribe)]:
        incident_assign_role(incident, by=commander, role=role, user=user)
    for expert in experts:
        incident_assign_role(
            incident, by=commander, role=Role.EXPERT, user=expert, reason="Database"
        )
    stakeholder_add(incident, by=comms, user=manager)
    _set(incident, commander, "impact_started", started, "First failed order in the API log")
    _set(incident, commander, "detected", started + timedelta(minutes=2), "Monitoring alarm")
    incident = incident_move(incident, "acknowledge", by=commander)
    _set(incident, commander, "acknowledged", started + timedelta(minutes=9), "Taken in chat")

    for offset, text, starred in STORY:
        entry = scribe_entry_add(incident, by=scribe, at=started + offset, body=text)
        if starred:
            timeline_star(incident, by=scribe, key=f"entry:{entry.pk}")
    mitigated, resolved = started + timedelta(minutes=44), started + timedelta(hours=1, minutes=25)
    _set(incident, commander, "mitigated", mitigated, "Orders flowing")

    _updates(incident, comms)
    children = _children(incident, commander, erp, started)
    incident = incident_resolve(
        incident,
        by=commander,
        resolution_code=ResolutionCode.SOLUTION_PROVIDED,
        resolution_notes="Deploy 4711 rolled back; the connection pool is at its old size.",
    )
    incident = _set(incident, commander, "resolved", resolved, "Backlog")
    for child in children:
        # Resolved with the parent, then: its milestones follow the parent's, not today.
        reason = f"With major incident {incident.number}"
        _set(child, commander, "acknowledged", child.reported_at + timedelta(minutes=2), reason)
        _set(child, commander, "mitigated", mitigated, reason)
        _set(child, commander, "resolved", resolved, reason)
        incident_close(child, by=commander, note="Closed with the major incident.")

    _postmortem(incident, commander=commander, reviewer=manager, owners=[*experts, scribe])
    return incident_close(incident, by=commander, note="Postmortem published.")


def _set(incident: Incident, by: User, milestone: str, at: datetime, reason: str) -> Incident:
    return incident_set_milestone(incident, by=by, milestone=milestone, at=at, reason=reason)


def _updates(incident: Incident, comms: User) -> None:
    """Three internal updates to the stakeholders and two public ones, investigating then
    resolved (the status page keeps them in the ERP's history)."""
    stakeholder_update_post(
        incident, by=comms, body="ERP order entry is down for everyone. Investigating."
    )
    stakeholder_update_post(
        incident,
        by=comms,
        public=True,
        title="Orders cannot be placed",
        phase=Phase.INVESTIGATING,
        body="Orders cannot be placed in the ERP or on the web shop. We are investigating.",
    )
    stakeholder_update_post(
        incident, by=comms, body="Cause found: deploy 4711. Rolling back, about 10 minutes."
    )
    stakeholder_update_post(
        incident, by=comms, body="Orders flow again. The backlog is being processed."
    )
    stakeholder_update_post(
        incident,
        by=comms,
        public=True,
        phase=Phase.RESOLVED,
        body="Orders can be placed again; orders queued meanwhile have been processed.",
    )


def _children(incident: Incident, by: User, erp: Service, started: datetime) -> list[Incident]:
    """Three callers reported the same outage: children, resolved with the parent."""
    desk = _user("sam")
    children = []
    for minutes, caller, title, subcategory in [
        (7, "dave", "ERP login error 500", "Sign-in"),
        (8, "frank", "Invoices stuck in draft", "Invoicing"),
        (12, "grace", "Cannot place an order", "Orders"),
    ]:
        child = incident_create(
            by=desk,
            title=title,
            **_filed_under(erp, subcategory),
            description="Reported by phone during the ERP outage.",
            caller=_user(caller),
            service=erp,
            impact=3,
            urgency=2,
            reported_at=started + timedelta(minutes=minutes),
        )
        children.append(incident_link_major(child, by=by, parent=incident))
    return children


def _postmortem(incident: Incident, *, commander: User, reviewer: User, owners: list[User]) -> None:
    """The review, written, approved and published, with its action items: one overdue,
    one carried by a problem, one done."""
    review = postmortem_create_for(incident, by=commander)
    review = postmortem_update(
        review,
        by=commander,
        reason="Written after the review meeting",
        changes={
            "customer_impact": "No order could be placed for 44 minutes; 1,200 orders "
            "queued and were processed within the hour.",
            "root_causes": "Deploy 4711 halved the database connection pool of the order "
            "API; under the morning load every request waited for a connection and timed out.",
            "contributing_factors": "The pool size lives in the deploy's config, which the "
            "load tests do not exercise. No alarm watched pool saturation.",
            "went_well": "The rollback took four minutes once the cause was clear; updates "
            "went out every half hour.",
            "went_badly": "Twenty minutes passed before anyone looked at the pool; the first "
            "alarm was on error rate, not on its cause.",
            "got_lucky": "The outage began before the end-of-month invoicing run.",
            "lessons": "Configuration changes need the same load test as code.",
        },
    )
    ivan, jo, tom = owners
    today = timezone.localdate()
    action_item_create(
        review,
        by=commander,
        title="Alert on connection pool saturation of the order API",
        kind=Kind.DETECT,
        owner=ivan,
        due_date=today - timedelta(days=5),  # overdue: the weekly reminder is due
    )
    carried = action_item_create(
        review,
        by=commander,
        title="Load-test configuration changes before they deploy",
        kind=Kind.PREVENT,
        owner=tom,
        due_date=today + timedelta(days=21),
    )
    problem_open_for_item(carried, by=commander)
    done = action_item_create(
        review,
        by=commander,
        title="Add the rollback runbook to the ERP deploy pipeline",
        kind=Kind.PROCESS,
        owner=jo,
        due_date=today - timedelta(days=3),
    )
    action_item_move(done, by=jo, state=ItemState.DONE)
    postmortem_add_reviewer(review, by=commander, user=reviewer)
    review = postmortem_move(review, "submit", by=commander)
    review = postmortem_move(review, "approve", by=reviewer, note="Clear and blameless.")
    postmortem_move(review, "publish", by=commander)


# --- the open SEV2: in response now -----------------------------------------------------


def _open_sev2(manager: User) -> Incident:
    website = Service.objects.get(name="Website")
    now = timezone.now().replace(microsecond=0)
    started = now - timedelta(minutes=50)
    commander, comms, scribe = _user("tom"), _user("lee"), _user("priya")
    incident = incident_create(
        by=scribe,
        title="Checkout fails for about a third of customers",
        **_filed_under(website, "Availability"),
        description="Payments time out at the last step of the web shop's checkout.",
        caller=_user("heidi"),
        source=Source.EMAIL,
        service=website,
        impact=2,
        urgency=1,
        severity=Severity.SEV2,
        assignment_group=website.owner_team,
        war_room_url="https://meet.example.com/inc-checkout",
        reported_at=now - timedelta(minutes=35),
    )
    # A SEV2 does not declare itself on this service: the manager declares it.
    incident = incident_move(
        incident, "declare", by=manager, reason="Revenue impact: a third of checkouts fail"
    )
    for role, user in [
        (Role.COMMANDER, commander),
        (Role.COMMUNICATIONS, comms),
        (Role.SCRIBE, scribe),
        (Role.EXPERT, _user("omar")),
    ]:
        incident_assign_role(incident, by=manager, role=role, user=user)
    _set(incident, commander, "impact_started", started, "First failed payment in the log")
    _set(incident, commander, "detected", now - timedelta(minutes=40), "Payment latency alarm")
    incident = incident_move(incident, "acknowledge", by=commander)
    scribe_entry_add(
        incident,
        by=scribe,
        at=now - timedelta(minutes=45),
        body="Payment provider latency alarm: p99 above 8 s.",
    )
    entry = scribe_entry_add(
        incident,
        by=scribe,
        at=now - timedelta(minutes=20),
        body="Failing payments all go through the provider's new TLS endpoint.",
    )
    timeline_star(incident, by=scribe, key=f"entry:{entry.pk}")
    stakeholder_update_post(
        incident,
        by=comms,
        body="About a third of checkouts fail at payment. Cause narrowed to the payment "
        "provider's new endpoint; we are asking them to switch us back.",
        next_update_due=now + timedelta(minutes=12),
    )
    child = incident_create(
        by=_user("sam"),
        title="Checkout page slow",
        **_filed_under(website, "Performance"),
        description="A customer called: the payment step spins and then fails.",
        caller=_user("ivy"),
        service=website,
        impact=3,
        urgency=2,
        reported_at=now - timedelta(minutes=25),
    )
    incident_link_major(child, by=commander, parent=incident)
    return incident
