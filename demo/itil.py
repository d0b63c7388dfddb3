"""The demo desk's problems and changes, made through their workflows on top of the demo
incidents: known errors linked to incidents, problems in several states, a template, a
blackout window, and changes of each type in several states."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from accounts.models import User
from catalog.models import Service
from changes.approvals import change_approve
from changes.links import change_link_incident, change_link_problem
from changes.models import BlackoutWindow, Change, ChangeTemplate
from changes.workflow import change_create, change_move
from incidents.models import OPEN_STATES, Incident
from problems.models import Problem
from problems.workflow import problem_create_from_incidents, problem_move

WORKAROUNDS = [
    "Reconnect with the backup gateway (vpn2.example.com) until the fix lands.",
    "Clear the client cache and sign in again.",
    "Use the web version meanwhile.",
]


def _agents(service: Service, manager: User) -> list[User]:
    return list(service.owner_team.members.exclude(pk=manager.pk).order_by("username"))


def load_problems(manager: User) -> list[Problem]:
    """One problem per busy service, from its open incidents, left in varied states."""
    problems: list[Problem] = []
    for index, service in enumerate(Service.objects.order_by("name")[:4]):
        agent = _agents(service, manager)[0]
        incidents = list(
            Incident.objects.filter(service=service, status__in=OPEN_STATES).order_by("pk")[:4]
        )
        if len(incidents) < 2:
            continue
        problem = problem_create_from_incidents(incidents, by=agent)
        problem = problem_move(problem, "assess", by=agent)
        if index < 3:
            problem = problem_move(
                problem, "mark_known_error", by=agent, workaround=WORKAROUNDS[index]
            )
        if index in (1, 2):
            problem = problem_move(problem, "analyze", by=agent)
            problem = problem_move(
                problem, "start_fix", by=agent, root_cause="A configuration drift after patching."
            )
        if index == 2:
            problem = problem_move(problem, "resolve", by=agent, fix_notes="Configuration fixed.")
        if index == 3:
            problem = problem_move(
                problem, "accept_risk", by=manager, reason="The system retires next quarter."
            )
        problems.append(problem)
    return problems


def load_changes(manager: User, problems: list[Problem]) -> None:
    """A template, a freeze, and changes of each type in several states, on separate days
    so that none conflicts."""
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    template = ChangeTemplate.objects.create(
        name="Restart the mail queue",
        description="Flush and restart the outbound mail queue.",
        implementation_plan="systemctl restart postfix",
        backout_plan="Nothing to back out: a restart is idempotent.",
        test_plan="Send a test mail to an outside address.",
    )
    services = list(Service.objects.order_by("name"))
    BlackoutWindow.objects.create(
        name="Quarter-end freeze",
        reason="Finance closes the books.",
        service=next(s for s in services if s.name == "ERP"),
        start=now + timedelta(days=20),
        end=now + timedelta(days=23),
    )

    def window(days: int) -> dict[str, Any]:
        start = now + timedelta(days=days, hours=20)
        return {"planned_start": start, "planned_end": start + timedelta(hours=2)}

    def make(kind: str, service: Service, days: int, title: str, **extra: Any) -> Change:
        agents = _agents(service, manager)
        return change_create(
            by=agents[0],
            title=title,
            type=kind,
            services=[service],
            assignment_group=service.owner_team,
            implementation_plan="See the runbook.",
            backout_plan="Restore the snapshot taken before.",
            risk_answers={
                "tested": True,
                "backout_possible": True,
                "done_before": kind != "emergency",
            },
            **window(days),
            **extra,
        )

    def approve(change: Change, service: Service) -> Change:
        approver = manager if change.type == "emergency" else _agents(service, manager)[1]
        return change_approve(change, by=approver, comment="Looks safe.")

    by_name = {service.name: service for service in services}
    email, vpn, erp, web = by_name["Email"], by_name["VPN"], by_name["ERP"], by_name["Website"]
    agent = _agents(email, manager)[0]
    standard = change_create(
        by=agent, title="Restart the mail queue", template=template, services=[email], **window(2)
    )
    change_move(standard, "schedule", by=agent)

    normal = make("normal", vpn, 5, "Upgrade the VPN concentrator firmware")
    change_move(
        change_move(normal, "assess", by=normal.requested_by), "authorize", by=normal.requested_by
    )

    done = make("normal", erp, -3, "Patch the ERP database")
    for move in ("assess", "authorize"):
        done = change_move(done, move, by=done.requested_by)
    done = approve(done, erp)
    for move, inputs in (
        ("schedule", {}),
        ("implement", {}),
        ("review", {}),
        ("close", {"close_code": "successful_issues", "close_notes": "Slow for an hour."}),
    ):
        done = change_move(done, move, by=done.requested_by, **inputs)
    caused = Incident.objects.filter(service=erp).order_by("-pk").first()
    if caused is not None:
        change_link_incident(done, caused, by=done.requested_by)
    if problems:
        change_link_problem(done, problems[0], by=done.requested_by)

    emergency = make("emergency", web, 1, "Block the bot flooding the checkout")
    emergency = change_move(emergency, "authorize", by=emergency.requested_by)
    emergency = approve(emergency, web)
    emergency = change_move(emergency, "schedule", by=emergency.requested_by)
    change_move(emergency, "implement", by=emergency.requested_by)

    make("normal", email, 9, "Move mailboxes to the new cluster")
    canceled = make("normal", vpn, 12, "Replace the VPN client")
    change_move(canceled, "cancel", by=canceled.requested_by, reason="Vendor delayed the release.")
