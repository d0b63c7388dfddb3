"""The demo's public face: an outage in progress, one already over, maintenance under
way and booked, and a confirmed subscriber, all made through the status page's and the
changes' workflows."""

from datetime import timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Service
from changes.models import ChangeTemplate
from changes.workflow import change_create, change_move
from incidents.models import OPEN_STATES, Incident
from statuspage.enums import Impact, Phase
from statuspage.subscriptions import subscriber_confirm, subscriber_request
from statuspage.workflow import status_update_post


def _agent(service: Service) -> User:
    return service.owner_team.members.filter(groups__name="Agents").order_by("username")[0]


def load_status_page() -> None:
    services = {service.name: service for service in Service.objects.all()}
    vpn, email, printing = services["VPN"], services["Email"], services["Printing"]

    outage = Incident.objects.filter(service=vpn, status__in=OPEN_STATES).order_by("pk").first()
    if outage is not None:
        lead = _agent(vpn)
        status_update_post(
            outage,
            by=lead,
            title="VPN connections dropping",
            phase=Phase.INVESTIGATING,
            impact=Impact.PARTIAL_OUTAGE,
            body="Some remote users are disconnected every few minutes. We are investigating.",
        )
        status_update_post(
            outage,
            by=lead,
            phase=Phase.IDENTIFIED,
            body="A faulty line card in the VPN concentrator is the cause; traffic is being "
            "moved to the standby unit.",
        )

    over = Incident.objects.filter(service=email, status__in=OPEN_STATES).order_by("pk").first()
    if over is not None:
        lead = _agent(email)
        status_update_post(
            over,
            by=lead,
            title="Outgoing mail delayed",
            phase=Phase.INVESTIGATING,
            impact=Impact.DEGRADED_PERFORMANCE,
            body="Outgoing mail is delayed by up to 20 minutes.",
        )
        status_update_post(
            over, by=lead, phase=Phase.RESOLVED, body="The mail queue is empty again."
        )

    template = ChangeTemplate.objects.order_by("pk").first()
    now = timezone.now().replace(second=0, microsecond=0)
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
