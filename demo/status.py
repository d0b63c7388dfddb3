"""The demo's public face: an outage in progress, one already over, maintenance under
way and booked, and a confirmed subscriber, all made through the status page's and the
changes' workflows, each update at its own time (so the 90-day bars count the outages)."""

from datetime import datetime, timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Category, Service
from changes.models import ChangeTemplate
from changes.workflow import change_create, change_move
from demo import data
from demo.timing import happening_at
from incidents.models import Incident, ResolutionCode
from incidents.workflow import incident_acknowledge, incident_create, incident_resolve
from statuspage.enums import Impact, Phase
from statuspage.subscriptions import subscriber_confirm, subscriber_request
from statuspage.workflow import status_update_post


def _agent(service: Service) -> User:
    return service.owner_team.members.filter(groups__name="Agents").order_by("username")[0]


def _reported(
    service: Service, agent: User, title: str, at: datetime, *, impact: int, urgency: int
) -> Incident:
    """An incident a caller reported at ``at``, written as the service's callers do."""
    issue = next(issue for issue in data.ISSUES[service.name] if issue.title == title)
    category, _ = data.CATEGORIES[service.name]
    with happening_at(at):
        return incident_create(
            by=agent,
            title=title,
            description=issue.description,
            caller=User.objects.get(username=data.END_USERS[1]),
            service=service,
            category=Category.objects.get(name=category, parent=None),
            subcategory=Category.objects.get(name=issue.subcategory, parent__name=category),
            impact=impact,
            urgency=urgency,
            assignment_group=service.owner_team,
            assigned_to=agent,
            reported_at=at,
        )


def load_status_page() -> None:
    services = {service.name: service for service in Service.objects.all()}
    vpn, email, printing = services["VPN"], services["Email"], services["Printing"]
    now = timezone.now().replace(second=0, microsecond=0)

    # The VPN outage in progress: reported two and a half hours ago, public within minutes,
    # its cause identified an hour ago; today's uptime bar counts it.
    began = now - timedelta(hours=2, minutes=30)
    lead = _agent(vpn)
    outage = _reported(vpn, lead, "VPN drops every few minutes", began, impact=2, urgency=1)
    with happening_at(began + timedelta(minutes=6)):
        outage = incident_acknowledge(outage, by=lead)
    with happening_at(began + timedelta(minutes=12)):
        status_update_post(
            outage,
            by=lead,
            title="VPN connections dropping",
            phase=Phase.INVESTIGATING,
            impact=Impact.PARTIAL_OUTAGE,
            body="Some remote users are disconnected every few minutes. We are investigating.",
        )
    with happening_at(now - timedelta(hours=1)):
        status_update_post(
            outage,
            by=lead,
            phase=Phase.IDENTIFIED,
            body="A faulty line card in the VPN concentrator is the cause; traffic is being "
            "moved to the standby unit.",
        )

    # Mail delays three days ago, over within the hour and resolved in the console.
    began = now - timedelta(days=3, hours=5)
    lead = _agent(email)
    over = _reported(email, lead, "Cannot send email", began, impact=2, urgency=2)
    with happening_at(began + timedelta(minutes=9)):
        over = incident_acknowledge(over, by=lead)
        status_update_post(
            over,
            by=lead,
            title="Outgoing mail delayed",
            phase=Phase.INVESTIGATING,
            impact=Impact.DEGRADED_PERFORMANCE,
            body="Outgoing mail is delayed by up to 20 minutes.",
        )
    with happening_at(began + timedelta(minutes=55)):
        status_update_post(
            over, by=lead, phase=Phase.RESOLVED, body="The mail queue is empty again."
        )
    with happening_at(began + timedelta(hours=1, minutes=5)):
        incident_resolve(
            over,
            by=lead,
            resolution_code=ResolutionCode.SOLUTION_PROVIDED,
            resolution_notes="A stuck relay held the queue; restarted it and the queue drained.",
        )

    template = ChangeTemplate.objects.order_by("pk").first()
    if template is not None:
        agent = _agent(printing)
        running = change_create(
            by=agent,
            title="Printer firmware update",
            template=template,
            services=[printing],
            customer_visible=True,
            planned_start=now - timedelta(minutes=30),
            planned_end=now + timedelta(hours=2),
        )
        change_move(change_move(running, "schedule", by=agent), "implement", by=agent)
        agent = _agent(email)
        booked = change_create(
            by=agent,
            title="Mail server maintenance",
            template=template,
            services=[email],
            customer_visible=True,
            planned_start=now + timedelta(days=3, hours=22),
            planned_end=now + timedelta(days=3, hours=23),
        )
        change_move(booked, "schedule", by=agent)

    fan = subscriber_request("status-fan@example.com")
    subscriber_confirm(fan, service_ids=[])
