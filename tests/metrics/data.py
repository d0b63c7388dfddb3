"""A generated desk for the metrics tests: incidents logged through the workflow with
their reported time in the past, worked by moves, their milestones corrected to past
times with a reason (as an agent would), some reassigned, reopened or canceled. Seeded:
the same desk on every run."""

import random
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Service, Team
from incidents.milestones import incident_set_milestone
from incidents.models import Incident
from incidents.workflow import incident_create, incident_move

SEED = 14


@dataclass
class Desk:
    teams: list[Team]
    services: list[Service]
    categories: list[Category]
    incidents: list[Incident]


def _at(incident: Incident, milestone: str, at, agent: User) -> Incident:
    return incident_set_milestone(
        incident, by=agent, milestone=milestone, at=at, reason="Corrected from the logs"
    )


def build_desk(
    agent: User, manager: User, team: Team, service: Service, category: Category, n: int = 40
) -> Desk:
    rng = random.Random(SEED)
    network = Team.objects.create(name="Network", email="net@example.com", manager=manager)
    network.members.add(agent, manager)
    teams = [team, network]
    services = [
        service,
        Service.objects.create(name="VPN", owner_team=network, criticality=1),
        Service.objects.create(name="=Payroll", owner_team=team, criticality=3),
    ]
    categories = [category, Category.objects.create(name="Hardware")]
    now = timezone.now()
    made = []
    for i in range(n):
        fate = rng.choice(["new", "ack", "hold", "resolved", "resolved", "reopened", "canceled"])
        days = rng.uniform(0.05, 60) if fate in ("new", "hold") else rng.uniform(2, 120)
        if i >= n - 3:
            fate, days = "resolved", 10 / 1440  # reported ten minutes ago
        reported = now - timedelta(days=days)
        detected = reported - timedelta(minutes=rng.randint(0, 45))
        incident = incident_create(
            by=agent,
            title=f"Incident {i}",
            reported_at=reported,
            detected_at=detected,
            service=rng.choice([*services, None]),
            assignment_group=rng.choice(teams),
            category=rng.choice([*categories, None]),
            impact=rng.choice([2, 3]),
            urgency=rng.choice([1, 2, 3]),
            severity=rng.choice([None, 3, 4]),
        )
        if rng.random() < 0.5:
            started = detected - timedelta(minutes=rng.randint(0, 90))
            incident = _at(incident, "impact_started", started, agent)
        for _ in range(rng.choice([0, 0, 1, 2])):
            other = teams[1] if incident.assignment_group_id == teams[0].pk else teams[0]
            incident = incident_move(
                incident, "escalate_group", by=agent, assignment_group=other, reason="Theirs"
            )
        if fate == "canceled":
            made.append(incident_move(incident, "cancel", by=manager, reason="Duplicate call"))
            continue
        if fate == "new":
            made.append(incident)
            continue
        if i >= n - 3:  # worked at once: their SLA clocks stop well inside the targets
            incident = incident_move(incident, "acknowledge", by=agent)
            resolve = {"resolution_code": "solution_provided", "resolution_notes": "Fixed"}
            made.append(incident_move(incident, "resolve", by=agent, **resolve))
            continue
        incident = incident_move(incident, "acknowledge", by=agent)
        if fate == "hold" and reported > now - timedelta(hours=2):
            made.append(incident)  # too recent to correct: acknowledged now
            continue
        acknowledged = reported + timedelta(minutes=rng.randint(1, 120))
        incident = _at(incident, "acknowledged", acknowledged, agent)
        if fate == "hold":
            made.append(incident_move(incident, "hold", by=agent, hold_reason="awaiting_vendor"))
            continue
        if fate == "ack":
            made.append(incident)
            continue
        resolve = {"resolution_code": "solution_provided", "resolution_notes": "Fixed"}
        incident = incident_move(incident, "resolve", by=agent, **resolve)
        mitigated = acknowledged + timedelta(minutes=rng.randint(0, 600))
        resolved = mitigated + timedelta(minutes=rng.randint(0, 900))
        incident = _at(incident, "mitigated", mitigated, agent)
        incident = _at(incident, "resolved", resolved, agent)
        if fate == "reopened":
            incident = incident_move(incident, "reopen", by=agent, reason="Still broken")
            incident = incident_move(incident, "resolve", by=agent, **resolve)
            incident = _at(incident, "resolved", resolved + timedelta(hours=3), agent)
        made.append(incident)
    return Desk(teams, services, categories, made)
