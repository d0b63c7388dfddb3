"""Must show 1 of issue 13, end to end through the API with tokens, against a real Celery
worker with an embedded beat: an API call logs a P1, which declares itself; roles are
named; three internal and two public updates go out (the status page shows the public
ones only); four children are linked and resolved with the parent; Close is refused until
the postmortem is published; the postmortem starts with the starred events and the
durations between the milestones, to the second; an action item opens a problem; the
overdue update and the overdue action item each remind once, however often beat sweeps."""

import re
from datetime import datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from accounts.roles import AGENTS
from incidents.models import Incident, Status
from notifications.enums import Channel, DeliveryStatus
from notifications.models import Notification
from postmortems.models import ActionItem
from postmortems.models import Status as Review
from problems.models import Problem
from tests.conftest import token_for
from tests.notifications.conftest import (  # noqa: F401 (fixtures used by name)
    broker_url,
    database_url,
    mail_dir,
    spawn_worker,
)
from tests.notifications.harness import Process, read_mail, wait_until

UPDATES = "response.tasks.remind_overdue_updates"
ITEMS = "postmortems.tasks.remind_overdue_action_items"
# The milestones, as offsets from the moment the impact started (two hours ago): odd
# seconds, so that a duration off by one shows.
AT = {
    "impact_started": timedelta(0),
    "detected": timedelta(minutes=4, seconds=37),
    "reported": timedelta(minutes=6, seconds=2),
    "acknowledged": timedelta(minutes=9, seconds=15),
    "mitigated": timedelta(minutes=41, seconds=9),
    "resolved": timedelta(hours=1, minutes=12, seconds=33),
}
# What the postmortem must say, worked out by hand from AT.
DURATIONS = {
    "time_to_detect": 277,
    "time_to_acknowledge": 555,
    "time_to_mitigate": 2469,
    "time_to_resolve": 4353,
    "reported_to_acknowledge": 193,
    "reported_to_mitigate": 2107,
    "reported_to_resolve": 3991,
    "impact_duration": 2469,
}

# The scribe's entries, written after the fact with the times they happened; both starred.
STORY = [
    (timedelta(minutes=1, seconds=10), "Error rate on the mail relay climbs"),
    (timedelta(minutes=38), "Rolled back deploy 4711"),
]


def person(username: str, *, agent: bool = True) -> User:
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.com",
        first_name=username.capitalize(),
        is_staff=agent,
    )
    if agent:
        user.groups.add(Group.objects.get(name=AGENTS))
    return user


def api(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


def ok(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.content
    return answer.json()


def runs(worker: Process, task: str) -> list[str]:
    """What each finished run of ``task`` returned, from the worker's log, oldest first."""
    return re.findall(
        rf"Task {re.escape(task)}\[[^\]]+\] succeeded in [^:]+: (\S+)", worker.output()
    )


def more_runs(worker: Process, task: str, after: int, count: int = 3) -> bool:
    """Wait until beat has run ``task`` ``count`` more times than ``after`` runs."""
    return wait_until(lambda: len(runs(worker, task)) >= after + count, timeout=20, interval=0.2)


def told(user: User, kind: str) -> Any:
    """The mails ``user`` was sent of ``kind`` (staff also get each in the app's inbox)."""
    return Notification.objects.filter(recipient=user, kind=kind, channel=Channel.EMAIL)


def mails(folder: Path, user: User, subject: str) -> list[Message]:
    """The messages the worker mailed to ``user`` whose subject says ``subject``."""
    return [m for m in read_mail(folder) if m["To"] == user.email and subject in m["Subject"]]


def iso(moment: datetime) -> str:
    return moment.isoformat().replace("+00:00", "Z")


@pytest.mark.django_db(transaction=True)
def test_major_incident_end_to_end(
    broker_url: str,  # noqa: F811
    spawn_worker: Any,  # noqa: F811
    mail_dir: Any,  # noqa: F811
    agent: User,
    other_agent: User,
    manager: User,
    caller: User,
    service: Any,
) -> None:
    # Beat sweeps for overdue updates and action items every second: the reminders must
    # still come once per period, not once per sweep.
    worker = spawn_worker(
        broker_url, MAJOR_UPDATE_REMINDER_INTERVAL="1", ACTION_ITEM_REMINDER_INTERVAL="1"
    )
    lead, scribe = person("cora"), person("sid")
    experts = [person("erin"), person("ed")]
    commander = api(agent)
    started = timezone.now().replace(microsecond=0) - timedelta(hours=2)

    # --- an API call logs a P1: it is a major incident by itself, its logger commands it
    body = ok(
        commander.post(
            "/api/v1/incidents/",
            {
                "title": "Nobody can send mail",
                "caller": caller.pk,
                "service": service.pk,
                "impact": 1,
                "urgency": 1,
                "severity": 1,
            },
            format="json",
        ),
        201,
    )
    number = body["number"]
    major = Incident.objects.get(number=number)
    assert major.priority == 1 and major.is_major
    assert major.timeline.get(verb="declare").author is None  # declared by the rule
    base = f"/api/v1/incidents/{number}/"
    response = base + "response/"
    detail = ok(commander.get(base))
    assert detail["is_major"] is True

    # --- roles: communications lead, scribe, two experts; each person is told
    for role, user in [("communications", lead), ("scribe", scribe)] + [
        ("expert", expert) for expert in experts
    ]:
        ok(commander.post(response + "roles/", {"role": role, "user": user.pk}, format="json"))
    roles = ok(commander.get(response + "roles/"))
    assert sorted((row["role"], row["user"]["username"]) for row in roles) == [
        ("commander", "alice"),
        ("communications", "cora"),
        ("expert", "ed"),
        ("expert", "erin"),
        ("scribe", "sid"),
    ]
    for user in (lead, scribe, *experts):
        assert told(user, "role_assigned").exists(), user

    # --- the milestones so far, set by hand with reasons and explicit times
    comms = api(lead)
    for milestone in ("impact_started", "detected", "reported"):
        ok(
            commander.post(
                response + "milestones/",
                {"milestone": milestone, "at": iso(started + AT[milestone]), "reason": "Logs"},
                format="json",
            )
        )
    ok(commander.post(base + "acknowledge/", {}, format="json"))
    for milestone in ("acknowledged", "mitigated"):
        ok(
            commander.post(
                response + "milestones/",
                {"milestone": milestone, "at": iso(started + AT[milestone]), "reason": "Chat"},
                format="json",
            )
        )

    # --- the scribe writes the story with explicit times; the key moments are starred
    writer = api(scribe)
    keys = []
    for offset, text in STORY:
        item = ok(
            writer.post(
                response + "scribe/",
                {"at": iso(started + offset), "body": text},
                format="json",
            ),
            201,
        )
        keys.append(item["key"])
    for key in keys:
        ok(writer.post(response + "stars/", {"key": key}, format="json"))

    # --- three internal updates to the stakeholders, two public ones on the status page
    ok(comms.post(response + "stakeholders/", {"user": manager.pk}, format="json"), 201)
    posts: list[dict[str, Any]] = [
        {"body": "Internal 1: relay rejects mail, rollback planned"},
        {
            "body": "Public 1: some customers cannot send mail",
            "public": True,
            "title": "Mail delivery problems",
            "phase": "identified",
        },
        {"body": "Internal 2: rollback done, queue draining"},
        {"body": "Public 2: a fix is in place, we are monitoring", "public": True},
        {
            "body": "Internal 3: queue drained, watching the error rate",
            # Due in a moment: it is overdue before this test is done with the incident.
            "next_update_due": iso(timezone.now() + timedelta(seconds=2)),
        },
    ]
    for post in posts:
        ok(comms.post(response + "updates/", post, format="json"), 201)
    updates = ok(comms.get(response + "updates/"))
    assert sorted(row["audience"] for row in updates) == ["internal"] * 3 + ["public"] * 2
    assert told(manager, "stakeholder_update").count() == 3
    page = Client().get(f"/status/incidents/{number}/").content.decode()
    assert "Mail delivery problems" in Client().get("/status/").content.decode()
    for post in posts:
        assert (post["body"] in page) == post.get("public", False), post["body"]

    # --- four incidents report the same outage: children of the major incident
    callers = [caller] + [person(f"caller{n}", agent=False) for n in range(3)]
    children = []
    for n, who in enumerate(callers):
        child = ok(
            commander.post(
                "/api/v1/incidents/",
                {"title": f"Mail bounces ({n})", "caller": who.pk, "service": service.pk},
                format="json",
            ),
            201,
        )
        ok(commander.post(response + "children/", {"child": child["number"]}, format="json"), 201)
        children.append(Incident.objects.get(number=child["number"]))
    assert len(ok(commander.get(response + "children/"))) == 4

    # --- the update is overdue: the communications lead is reminded once, however often
    # beat sweeps while the incident stays open
    def reminders() -> Any:
        return major.timeline.filter(verb="update_overdue")

    assert wait_until(reminders().exists, timeout=20), worker.output()[-2000:]
    assert more_runs(worker, UPDATES, after=len(runs(worker, UPDATES)))
    assert reminders().count() == 1 and told(lead, "update_due").count() == 1
    assert runs(worker, UPDATES).count("1") == 1  # every other sweep found nothing due
    assert wait_until(
        lambda: told(lead, "update_due").get().status == DeliveryStatus.DELIVERED, timeout=20
    )
    assert len(mails(mail_dir, lead, "update overdue")) == 1

    # --- resolving the parent resolves the children, one history row each, callers told
    ok(
        commander.post(
            base + "resolve/",
            {"resolution_code": "solution_provided", "resolution_notes": "Deploy rolled back"},
            format="json",
        )
    )
    ok(
        commander.post(
            response + "milestones/",
            {"milestone": "resolved", "at": iso(started + AT["resolved"]), "reason": "Chat"},
            format="json",
        )
    )
    for child in children:
        child.refresh_from_db()
        assert child.status == Status.RESOLVED
        assert child.history.filter(history_change_reason__startswith="Resolved with").count() == 1
        event = child.timeline.get(verb="resolve")
        key = f"incidents.incident:{child.pk}/{event.pk}"
        assert Notification.objects.filter(event_key=key, recipient=child.caller).exists()

    # --- Close is refused until the postmortem is published
    refused = commander.post(base + "close/", {}, format="json")
    assert refused.status_code == 409, refused.content
    assert refused.json()["code"] == "move_not_allowed"
    assert "postmortem" in refused.json()["message"].lower()

    # --- the postmortem starts with the starred events and the durations, to the second
    review = ok(commander.post("/api/v1/postmortems/", {"incident": number}, format="json"), 201)
    pir = f"/api/v1/postmortems/{review['number']}/"
    assert review["durations"] == DURATIONS
    assert [(event["at"], event["body"]) for event in review["key_events"]] == [
        ((started + offset).isoformat(), text) for offset, text in STORY
    ]
    assert review["impact_started_at"] == iso(started)
    ok(
        commander.patch(
            pir, {"root_causes": "Deploy 4711 shipped a relay config without TLS."}, format="json"
        )
    )

    # --- an action item opens a problem, linked both ways
    items = "/api/v1/action-items/"
    fix = ok(
        commander.post(
            items,
            {"postmortem": review["number"], "title": "Test relay configs", "owner": experts[1].pk},
            format="json",
        ),
        201,
    )
    problem = ok(commander.post(f"{items}{fix['id']}/open-problem/", format="json"), 201)
    assert ok(commander.get(f"{items}{fix['id']}/"))["problem"]["number"] == problem["number"]
    linked = ok(commander.get(f"/api/v1/problems/{problem['number']}/"))["links"]
    assert [row["number"] for row in linked["incidents"]] == [number]
    incident_links = ok(commander.get(base))["links"]
    assert [row["number"] for row in incident_links["problem"]] == [problem["number"]]
    # The problem's page lists the action item that points at it.
    console = Client()
    console.force_login(agent)
    opened = Problem.objects.get(number=problem["number"])
    problem_page = console.get(reverse("admin:problems_problem_change", args=[opened.pk]))
    assert "Test relay configs" in problem_page.content.decode()

    # --- an overdue action item reminds its owner once (a week), however often beat sweeps
    owner = experts[0]
    late = ok(
        commander.post(
            items,
            {
                "postmortem": review["number"],
                "title": "Alert on relay rejections",
                "kind": "detect",
                "owner": owner.pk,
                "due_date": (timezone.localdate() - timedelta(days=2)).isoformat(),
            },
            format="json",
        ),
        201,
    )
    item = ActionItem.objects.get(pk=late["id"])
    assert wait_until(lambda: told(owner, "action_item_due").exists(), timeout=20)
    assert more_runs(worker, ITEMS, after=len(runs(worker, ITEMS)))
    assert told(owner, "action_item_due").count() == 1
    assert item.postmortem.timeline.filter(verb="action_item_due").count() == 1
    item.refresh_from_db()
    assert item.reminded_at is not None
    assert runs(worker, ITEMS).count("1") == 1
    assert wait_until(lambda: len(mails(mail_dir, owner, "overdue")) == 1, timeout=20)

    # --- the reviewer approves, the postmortem is published, and Close goes through
    ok(commander.post(pir + "reviewers/", {"user": other_agent.pk}, format="json"))
    ok(commander.post(pir + "submit/", {}, format="json"))
    refused = commander.post(base + "close/", {}, format="json")
    assert refused.status_code == 409 and "in review" in refused.json()["message"]
    ok(api(other_agent).post(pir + "approve/", {}, format="json"))
    assert ok(commander.post(pir + "publish/", {}, format="json"))["status"] == Review.PUBLISHED
    closed = ok(commander.post(base + "close/", {}, format="json"))
    assert closed["status"] == Status.CLOSED
