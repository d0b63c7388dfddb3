"""``GET /api/v1/teams/{id}/oncall/?at=<ISO 8601>``: who holds each of the team's
schedules now, or at ``at``."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from catalog.models import Team
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from oncall.models import Schedule
from oncall.schedules import YEARS, on_call_each


class PersonSerializer(serializers.Serializer[object]):
    id = serializers.IntegerField()
    username = serializers.CharField()
    name = serializers.CharField()


class OnCallSerializer(serializers.Serializer[object]):
    schedule = serializers.IntegerField()
    name = serializers.CharField()
    time_zone = serializers.CharField()
    user = PersonSerializer(allow_null=True)
    shift_starts_at = serializers.DateTimeField(allow_null=True)
    shift_ends_at = serializers.DateTimeField(allow_null=True)
    override = serializers.BooleanField()


class TeamOnCallSerializer(serializers.Serializer[object]):
    team = serializers.IntegerField()
    at = serializers.DateTimeField()
    schedules = OnCallSerializer(many=True)


def parse_at(raw: str | None) -> datetime:
    if not raw:
        return timezone.now()
    try:
        # Well formed but impossible (2026-02-30, an offset of +99:00) is a ValueError.
        value = parse_datetime(raw)
    except ValueError:
        value = None
    if value is None:
        raise ValidationError({"at": ["Use ISO 8601, e.g. 2026-03-29T08:30:00+02:00."]})
    if timezone.is_naive(value):
        raise ValidationError({"at": ["Give a UTC offset or Z: a bare time is ambiguous."]})
    if value.year not in YEARS:
        # The shifts around 9999-12-31 would overflow the calendar.
        raise ValidationError({"at": [f"Stay between {YEARS[0]} and {YEARS[-1]}."]})
    return value


@extend_schema(tags=["on-call"])
class TeamOnCallViewSet(viewsets.ViewSet):
    permission_classes = (IsAuthenticated, IsAgent)
    list_is_object = True  # one team's answer, not a list of them (kernel.api.schema)

    @extend_schema(
        summary="Who is on call",
        parameters=[
            OpenApiParameter("at", OpenApiTypes.DATETIME, description="Default: now."),
        ],
        responses={200: TeamOnCallSerializer, **error_responses(400, 401, 403, 404)},
    )
    def list(self, request: Request, team_id: str) -> Response:
        team = get_object_or_404(Team, pk=team_id)
        at = parse_at(request.query_params.get("at"))
        rows = []
        schedules = list(Schedule.objects.filter(team=team).order_by("name"))
        shifts = on_call_each(schedules, at)
        people = get_user_model().objects.in_bulk({s.user_id for s in shifts.values() if s})
        for schedule in schedules:
            shift = shifts[schedule.pk]
            user = people.get(shift.user_id) if shift else None
            rows.append(
                {
                    "schedule": schedule.pk,
                    "name": schedule.name,
                    "time_zone": schedule.time_zone,
                    "user": {"id": user.pk, "username": user.username, "name": str(user)}
                    if user
                    else None,
                    "shift_starts_at": shift.starts_at if shift else None,
                    "shift_ends_at": shift.ends_at if shift else None,
                    "override": bool(shift and shift.override),
                }
            )
        data = {"team": team.pk, "at": at, "schedules": rows}
        return Response(TeamOnCallSerializer(data).data)
