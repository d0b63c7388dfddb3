"""On-call for the demo desk: per team, a weekly schedule in its own zone with the team's
agents taking turns, an override next week, and an escalation policy (the schedule, then
the team's manager) for its P1/P2 and SEV1/SEV2 incidents. Made through the same rules as
the console and the API (``oncall.configuration``)."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from accounts.models import User
from catalog.models import Team
from oncall.configuration import Level, policy_set_levels, rotation_set_members
from oncall.models import EscalationPolicy, Override, Rotation, Schedule

# Where each demo team works from: hand-offs are at 09:00 there.
ZONES = {
    "Service Desk": "Europe/London",
    "Network": "Europe/Berlin",
    "Applications": "America/New_York",
    "Infrastructure": "Europe/Berlin",
}


def load_oncall(teams: dict[str, Team], manager: User) -> None:
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 21)  # three weeks of history
    for name, team in teams.items():
        if Schedule.objects.filter(team=team).exists():
            continue
        agents = list(team.members.filter(groups__name="Agents").order_by("username"))
        schedule = Schedule.objects.create(
            team=team, name=f"{name} primary", time_zone=ZONES.get(name, "UTC")
        )
        rotation = Rotation.objects.create(
            schedule=schedule, period=Rotation.Period.WEEKLY, handoff_time=time(9), starts_on=monday
        )
        rotation_set_members(rotation, [agent.pk for agent in agents])
        if len(agents) > 1:
            _override(schedule, agents[-1], today + timedelta(days=8))
        policy = EscalationPolicy.objects.create(
            name=f"{name} paging", team=team, page_priorities=[1, 2], page_severities=[1, 2]
        )
        policy_set_levels(
            policy,
            [
                Level(delay=timedelta(minutes=5), schedule_id=schedule.pk),
                Level(delay=timedelta(minutes=15), team_manager=True),
            ],
        )


def _override(schedule: Schedule, user: User, day: date) -> None:
    """An evening someone covers for a colleague, in the schedule's own zone."""
    starts = datetime.combine(day, time(18), tzinfo=schedule.tz)
    Override.objects.create(
        schedule=schedule,
        user=user,
        starts_at=starts,
        ends_at=starts + timedelta(hours=14),
        reason="Covering an evening off",
    )
