"""Fill an empty database with a demo desk: people, catalog, ~200 incidents in every
state, problems and changes on top (``demo.itil``), the status page (``demo.status``),
monitoring's integrations and alert incidents (``demo.alerts``) and two major incidents,
one past with its postmortem and one in response (``demo.major``), all made through the
workflows and the alert intake so each has a real timeline and history.

It reads like a real desk: each incident is one of its service's usual reports
(``data.ISSUES``: title, subcategory under the service's own category, the caller's
words, the fix), and each move happens at its own time (``demo.timing``): acknowledged
minutes to hours after it was reported, resolved hours to days later. The known errors
(``data.KNOWN_ERRORS``) are raised from the incidents they explain, and the status page's
outages are posted when they happened, so its uptime counts them.

Runs once: when the demo admin exists already it only prints the login again."""

import random
from base64 import b32encode
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.roles import AGENTS, MANAGERS
from alerts.integrations import endpoint_url
from alerts.models import Integration
from catalog.models import Category, Service, Team
from demo import data, itil, major
from demo.alerts import load_alerts
from demo.oncall import load_oncall
from demo.sla import load_sla, settle_sla
from demo.status import load_status_page
from demo.timing import happening_at, step_times
from incidents.models import HoldReason, Incident, ResolutionCode, Source
from incidents.workflow import (
    incident_acknowledge,
    incident_add_note,
    incident_cancel,
    incident_close,
    incident_confirm,
    incident_create,
    incident_hold,
    incident_reopen,
    incident_resolve,
)
from kernel import events

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "servicedesk-demo"
STAFF_PASSWORD = "agent-demo"
USER_PASSWORD = "user-demo"
# Managers and superusers sign in with an authenticator code (MFA_REQUIRED_FOR): the demo
# ones share this known secret, so a developer can add it to an app or run demo_code.
DEMO_TOTP_KEY = b"servicedesk-demo-key".hex()
# Where each demo incident stops: (share of incidents, path of moves).
PATHS: list[tuple[int, tuple[str, ...]]] = [
    (20, ()),
    (30, ("acknowledge",)),
    (15, ("acknowledge", "hold")),
    (20, ("acknowledge", "resolve")),
    (5, ("acknowledge", "resolve", "reopen")),
    (80, ("acknowledge", "resolve", "confirm")),
    (20, ("acknowledge", "resolve", "close")),
    (10, ("cancel",)),
]


class Command(BaseCommand):
    help = "Load the demo desk once (people, catalog, ~200 incidents) and print the logins."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--incidents", type=int, default=200)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args: Any, incidents: int, seed: int, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError("Demo data has known passwords: run it with DEBUG=1 only.")
        if User.objects.filter(username=ADMIN_USERNAME).exists():
            self.stdout.write("Demo data is loaded already.")
        else:
            # Muted: the seed replays months of history; nobody should be mailed or paged.
            with transaction.atomic(), events.muted():
                self._load(incidents, random.Random(seed))  # noqa: S311 (not security)
            self.stdout.write(self.style.SUCCESS(f"Loaded the demo desk: {incidents} incidents."))
        self._print_logins()
        self._print_integrations()

    def _print_logins(self) -> None:
        secret = b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            "\n"
            f"  Admin (superuser):  {ADMIN_USERNAME} / {ADMIN_PASSWORD}  + code\n"
            f"  Manager:            {data.MANAGER} / {STAFF_PASSWORD}  + code\n"
            f"  Agent:              {data.TEAMS['Service Desk'][0]} / {STAFF_PASSWORD}\n"
            f"  End user:           {data.END_USERS[0]} / {USER_PASSWORD}\n"
            f"  Code: `DEBUG=1 .venv/bin/python manage.py demo_code` prints the current one,\n"
            f"        or add the secret {secret} to an authenticator app.\n"
        )

    def _print_integrations(self) -> None:
        # Demo secrets, printed like the demo passwords: post to these to try the intake.
        for integration in Integration.objects.order_by("name"):
            self.stdout.write(
                f"  Alerts from {integration.get_kind_display()} ({integration.name}):\n"
                f"    POST {endpoint_url(integration)}\n"
                f"    Authorization: Bearer {integration.secret}\n"
            )

    def _load(self, count: int, rng: random.Random) -> None:
        admin = User.objects.create_superuser(ADMIN_USERNAME, "admin@example.com", ADMIN_PASSWORD)
        agents_group = Group.objects.get(name=AGENTS)
        managers_group = Group.objects.get(name=MANAGERS)
        manager = self._person(data.MANAGER, staff=True)
        manager.groups.add(managers_group)
        for user in (admin, manager):
            TOTPDevice.objects.create(
                user=user, name="Authenticator app", key=DEMO_TOTP_KEY, confirmed=True
            )
        teams: dict[str, Team] = {}
        for name, members in data.TEAMS.items():
            team = Team.objects.create(
                name=name, email=f"{name.lower().replace(' ', '-')}@example.com", manager=manager
            )
            for username in members:
                agent = self._person(username, staff=True)
                agent.groups.add(agents_group)
                team.members.add(agent)
            team.members.add(manager)
            teams[name] = team
        services = [
            Service.objects.create(
                name=name, owner_team=teams[team], criticality=criticality, description=text
            )
            for name, team, criticality, text in data.SERVICES
        ]
        # Each service's category and its subcategories by name.
        categories: dict[str, tuple[Category, dict[str, Category]]] = {}
        for service_name, (parent_name, children) in data.CATEGORIES.items():
            parent = Category.objects.create(name=parent_name)
            categories[service_name] = (
                parent,
                {name: Category.objects.create(name=name, parent=parent) for name in children},
            )
        callers = [self._person(username, staff=False) for username in data.END_USERS]
        load_sla(admin)

        paths = [path for weight, path in PATHS for _ in range(weight)]
        now = timezone.now()
        # The random incidents and the alerts' are ordinary days: none declares itself a
        # major incident (demo.major loads the two that are, with their response), so their
        # paths may close a P1 without a review and the board shows only the curated one.
        with major.declaring_nothing(services):
            for _ in range(count):
                service = rng.choice(services)
                team = service.owner_team
                team_agents: list[User] = list(team.members.exclude(pk=manager.pk))
                agent = rng.choice(team_agents)
                issue = rng.choice(data.ISSUES[service.name])
                category, subcategories = categories[service.name]
                caller = rng.choice(callers)
                reported_at = now - timedelta(days=rng.uniform(0, 60))
                with happening_at(reported_at):
                    incident = incident_create(
                        by=agent,
                        title=issue.title,
                        description=f"{issue.description} {rng.choice(data.DETAILS)}",
                        caller=caller,
                        source=rng.choice(Source.values),
                        service=service,
                        category=category,
                        subcategory=subcategories[issue.subcategory],
                        impact=rng.choice((1, 2, 2, 3, 3, 3)),
                        urgency=rng.choice((1, 2, 2, 3, 3, 3)),
                        assignment_group=team,
                        assigned_to=agent if rng.random() < 0.7 else None,
                        reported_at=reported_at,
                    )
                path = rng.choice(paths)
                times = step_times(
                    path, priority=incident.priority, reported_at=reported_at, now=now, rng=rng
                )
                self._walk(
                    incident,
                    list(zip(path, times, strict=True)),
                    issue=issue,
                    agent=agent,
                    caller=caller,
                    manager=manager,
                )
            itil.load_changes(manager, itil.load_problems(manager))
            load_status_page()
            load_alerts(manager)
        major.load_major_incidents(manager)
        load_oncall(teams, manager)
        settle_sla()

    def _walk(
        self,
        incident: Incident,
        steps: list[tuple[str, datetime]],
        *,
        issue: data.Issue,
        agent: User,
        caller: User,
        manager: User,
    ) -> None:
        for move, at in steps:
            with happening_at(at):
                incident = self._move(
                    incident, move, issue=issue, agent=agent, caller=caller, manager=manager
                )

    def _move(
        self,
        incident: Incident,
        move: str,
        *,
        issue: data.Issue,
        agent: User,
        caller: User,
        manager: User,
    ) -> Incident:
        if move == "acknowledge":
            incident = incident_acknowledge(incident, by=agent)
            incident_add_note(incident, by=agent, body="Looking into it.", internal=True)
        elif move == "hold":
            incident = incident_hold(
                incident, by=agent, hold_reason=HoldReason.AWAITING_CALLER, note="Which device?"
            )
            incident_add_note(incident, by=agent, body="Which device is it?", internal=False)
        elif move == "resolve":
            incident = incident_resolve(
                incident,
                by=agent,
                resolution_code=ResolutionCode.SOLUTION_PROVIDED,
                resolution_notes=issue.resolution,
            )
        elif move == "reopen":
            incident = incident_reopen(incident, by=caller, reason="Still broken this morning.")
        elif move == "confirm":
            incident = incident_confirm(incident, by=caller, note="Works now, thanks.")
        elif move == "close":
            incident = incident_close(incident, by=agent, note="No answer from the caller.")
        elif move == "cancel":
            incident = incident_cancel(incident, by=manager, reason="Logged twice.")
        return incident

    def _person(self, username: str, *, staff: bool) -> User:
        return User.objects.create_user(
            username=username,
            email=f"{username}@example.com",
            password=STAFF_PASSWORD if staff else USER_PASSWORD,
            first_name=username.capitalize(),
            last_name="Demo",
            is_staff=staff,
        )
