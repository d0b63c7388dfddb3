"""Who is on call now for the agent's teams, a panel of the agents' home
(``kernel.admin.home``). At most ``MOST`` schedules, each read by ``schedules.on_call``:
the statements grow with the agent's schedules, never with the incidents."""

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from kernel.admin.home import HomePanel
from oncall.models import Schedule
from oncall.schedules import on_call

MOST = 8


def on_call_panel(request: HttpRequest) -> HomePanel | None:
    user = request.user
    if not user.has_perm("oncall.view_schedule"):
        return None
    now = timezone.now()
    schedules = list(Schedule.objects.filter(team__members=user.pk).select_related("team")[:MOST])
    shifts = [(schedule, on_call(schedule, now)) for schedule in schedules]
    people = get_user_model().objects.in_bulk(
        {shift.user_id for _schedule, shift in shifts if shift is not None}
    )
    rows = [
        {
            "schedule": schedule,
            "url": reverse("admin:oncall_schedule_change", args=[schedule.pk]),
            "person": people.get(shift.user_id) if shift else None,
            "until": shift.ends_at if shift else None,
            "override": shift.override if shift else False,
        }
        for schedule, shift in shifts
    ]
    body = render_to_string("admin/kernel/home_oncall.html", {"rows": rows})
    return HomePanel("On call now for my teams", body)
