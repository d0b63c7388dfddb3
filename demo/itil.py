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
from demo import data
from demo.timing import happening_at
from incidents.models import OPEN_STATES, Incident
from problems.models import Problem
from problems.workflow import problem_create_from_incidents, problem_move


def _agents(service: Service, manager: User) -> list[User]:
    return list(service.owner_team.members.exclude(pk=manager.pk).order_by("username"))


# The moves that bring a freshly logged problem to each stage of ``data.KNOWN_ERRORS``.
STAGES: dict[str, tuple[str, ...]] = {
    "known_error": ("assess", "mark_known_error"),
    "fixing": ("assess", "mark_known_error", "analyze", "start_fix"),
    "resolved": ("assess", "mark_known_error", "analyze", "start_fix", "resolve"),
    "risk_accepted": ("assess", "accept_risk"),
}


def load_problems(manager: User) -> list[Problem]:
    """The problems behind ``data.KNOWN_ERRORS``, each raised from the incidents reporting
    its issue (open ones first) the day after the latest of them, then moved an hour apart
    to its stage: known errors whose workaround fits the incidents they are offered for."""
    problems: list[Problem] = []
    now = timezone.now()
    for known in data.KNOWN_ERRORS:
        service = Service.objects.get(name=known.service)
        agent = _agents(service, manager)[0]
        reports = Incident.objects.filter(service=service, title=known.issue)
        incidents = [
            *reports.filter(status__in=OPEN_STATES).order_by("reported_at")[:4],
            *reports.exclude(status__in=OPEN_STATES).order_by("-reported_at")[:2],
        ]
        if not incidents:
            continue
        latest = max(incident.reported_at for incident in incidents)
        moves = STAGES[known.stage]
        at = min(latest + timedelta(hours=20), now - timedelta(hours=len(moves) + 2))
        with happening_at(at):
            problem = problem_create_from_incidents(incidents, by=agent)
        inputs: dict[str, dict[str, Any]] = {
            "mark_known_error": {"workaround": known.workaround},
            "start_fix": {"root_cause": known.root_cause},
            "resolve": {"fix_notes": "Fixed at the source: " + known.root_cause},
            "accept_risk": {"reason": known.root_cause + " They are replaced next quarter."},
        }
        for move in moves:
            at += timedelta(hours=1)
            with happening_at(at):
                problem = problem_move(
                    problem,
                    move,
                    by=manager if move == "accept_risk" else agent,
                    **inputs.get(move, {}),
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

    # Done three days ago: requested and approved two days before its window, implemented
    # and reviewed at the window's times, so its timeline and actual start and end read so.
    planned = window(-3)
    start, end = planned["planned_start"], planned["planned_end"]
    with happening_at(start - timedelta(days=2)):
        done = make("normal", erp, -3, "Patch the ERP database")
    for move, at in (("assess", 1), ("authorize", 2)):
        with happening_at(start - timedelta(days=2) + timedelta(hours=at)):
            done = change_move(done, move, by=done.requested_by)
    with happening_at(start - timedelta(days=1)):
        done = approve(done, erp)
    for move, at, inputs in (
        ("schedule", start - timedelta(hours=20), {}),
        ("implement", start, {}),
        ("review", end, {}),
        (
            "close",
            end + timedelta(minutes=40),
            {"close_code": "successful_issues", "close_notes": "Slow for an hour."},
        ),
    ):
        with happening_at(at):
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
