"""On-call as code (as PagerDuty's API has it): schedules, their rotations with ordered
members and overrides under ``/api/v1/oncall/``; escalation policies with their levels
in ``oncall.api.policies``.

Agents read all of it; writing takes the model's permission: managers (and admins)
create, change and delete; agents may add overrides on their own teams' schedules (they
cover for each other), for someone in that team (``oncall.configuration.override_save``).
Who is on call: ``GET /api/v1/teams/{id}/oncall/``."""

import re
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Model, ProtectedError, QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.permissions import DjangoModelPermissions, IsAuthenticated

from accounts.models import User, agents_q
from catalog.models import Team
from kernel.api.filters import DateTimeFilter, FilterSet, IdFilter
from kernel.api.idempotency import Idempotent
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses
from kernel.api.serializers import StrictModelSerializer
from kernel.api.transactions import AnswerBeforeCommit
from kernel.api.values import in_utc, refusal
from kernel.zones import validate_time_zone
from oncall.configuration import members_refusal, override_save, rotation_set_members
from oncall.models import Override, Rotation, Schedule
from oncall.schedules import YEARS

WALL_CLOCK = re.compile(r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$")
MAX_MEMBERS = 100


class ById(CursorPagination):
    ordering = "id"


class InUse(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "Something else still uses this."
    default_code = "conflict"


class ManagersWrite(DjangoModelPermissions):
    """Reading is for agents (``IsAgent``); writing needs the model's own permission."""

    perms_map = {
        **DjangoModelPermissions.perms_map,
        "GET": [],
        "HEAD": [],
        "OPTIONS": [],
    }


def active_users() -> QuerySet[User]:
    """Who may be on call, an override or an escalation's target: agents only (the
    models' ``limit_choices_to``)."""
    return User.objects.filter(agents_q())


def _instant(moment: datetime) -> datetime:
    problem = refusal(moment)
    if problem is None and moment.year not in YEARS:
        problem = f"Stay between {YEARS[0]} and {YEARS[-1]}."
    if problem is not None:
        raise serializers.ValidationError(problem)
    return in_utc(moment)


# --- schedules --------------------------------------------------------------------------


class ScheduleSerializer(StrictModelSerializer[Schedule]):
    team = serializers.PrimaryKeyRelatedField(queryset=Team.objects.all())
    time_zone = serializers.CharField(
        max_length=64,
        validators=[validate_time_zone],
        help_text="An IANA time zone, e.g. Europe/Berlin: hand-offs are wall-clock times there.",
    )
    rotations = serializers.PrimaryKeyRelatedField[Rotation](
        many=True, read_only=True, help_text="Its rotations' ids (`/api/v1/oncall/rotations/`)."
    )

    class Meta:
        model = Schedule
        fields = ("id", "team", "name", "time_zone", "rotations")


class ScheduleFilter(FilterSet):
    team = IdFilter(help_text="A team's id: its schedules.")

    class Meta:
        model = Schedule
        fields: list[str] = []


# --- rotations --------------------------------------------------------------------------


@extend_schema_field({"type": "string", "pattern": WALL_CLOCK.pattern, "example": "09:00"})
class WallClockField(serializers.TimeField):
    """A local time of day, ``HH:MM`` (or ``HH:MM:SS``), without an offset: the schedule's
    zone gives it one on each day. (JSON Schema's ``time`` format requires an offset.)"""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%H:%M", **kwargs)

    def to_internal_value(self, value: Any) -> Any:
        if not isinstance(value, str) or not WALL_CLOCK.fullmatch(value):
            raise serializers.ValidationError("Use HH:MM, e.g. 09:00.")
        return super().to_internal_value(value)


class MembersField(serializers.ListField):
    """The members' user ids in turn order (prefetched: no query per rotation)."""

    def get_attribute(self, rotation: Rotation) -> list[int]:
        return [member.user_id for member in rotation.members.all()]


class RotationSerializer(StrictModelSerializer[Rotation]):
    schedule = serializers.PrimaryKeyRelatedField(queryset=Schedule.objects.all())
    handoff_time = WallClockField(
        required=False, help_text="When shifts hand off, in the schedule's zone (default 09:00)."
    )
    members = MembersField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        max_length=MAX_MEMBERS,
        help_text="Users' ids in turn order: the first takes the first shift.",
    )

    class Meta:
        model = Rotation
        fields = ("id", "schedule", "period", "handoff_time", "starts_on", "members")

    def validate_starts_on(self, day: date) -> date:
        if day.year not in YEARS:
            raise serializers.ValidationError(f"Start between {YEARS[0]} and {YEARS[-1]}.")
        return day

    def validate_members(self, members: list[int]) -> list[int]:
        found = set(active_users().filter(pk__in=members).values_list("pk", flat=True))
        missing = [str(pk) for pk in members if pk not in found]
        if missing:
            raise serializers.ValidationError(f"No active user with id {', '.join(missing)}.")
        repeated = members_refusal(members)
        if repeated:
            raise serializers.ValidationError(repeated)
        return members

    def create(self, validated_data: dict[str, Any]) -> Rotation:
        members = validated_data.pop("members")
        with transaction.atomic():
            rotation = Rotation.objects.create(**validated_data)
            rotation_set_members(rotation, members)
        return rotation

    def update(self, rotation: Rotation, validated_data: dict[str, Any]) -> Rotation:
        members = validated_data.pop("members", None)
        with transaction.atomic():
            rotation = super().update(rotation, validated_data)
            if members is not None:
                rotation_set_members(rotation, members)
        return rotation


class RotationFilter(FilterSet):
    schedule = IdFilter(help_text="A schedule's id: its rotations.")

    class Meta:
        model = Rotation
        fields: list[str] = []


# --- overrides --------------------------------------------------------------------------


class OverrideSerializer(StrictModelSerializer[Override]):
    schedule = serializers.PrimaryKeyRelatedField(queryset=Schedule.objects.all())
    user = serializers.PrimaryKeyRelatedField(queryset=active_users())

    class Meta:
        model = Override
        fields = ("id", "schedule", "user", "starts_at", "ends_at", "reason")

    def validate_starts_at(self, moment: datetime) -> datetime:
        return _instant(moment)

    def validate_ends_at(self, moment: datetime) -> datetime:
        return _instant(moment)

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        starts = data.get("starts_at", getattr(self.instance, "starts_at", None))
        ends = data.get("ends_at", getattr(self.instance, "ends_at", None))
        if starts is not None and ends is not None and ends <= starts:
            raise serializers.ValidationError({"ends_at": ["It must be after starts_at."]})
        return data

    def create(self, validated_data: dict[str, Any]) -> Override:
        # Who may cover where is the domain's rule (403 ``forbidden``, 400 ``invalid``).
        return override_save(Override(**validated_data), by=self.context["request"].user)

    def update(self, override: Override, validated_data: dict[str, Any]) -> Override:
        for name, value in validated_data.items():
            setattr(override, name, value)
        return override_save(override, by=self.context["request"].user)


class OverrideFilter(FilterSet):
    schedule = IdFilter(help_text="A schedule's id: its overrides.")
    ends_after = DateTimeFilter(
        field_name="ends_at", lookup_expr="gt", help_text="Only those not over by then."
    )

    class Meta:
        model = Override
        fields: list[str] = []


# --- views ------------------------------------------------------------------------------


def documented(name: str, plural: str) -> Any:
    """The summaries of a configuration ViewSet's operations, and the 409 of a delete."""
    return extend_schema_view(
        list=extend_schema(summary=f"List {plural}"),
        retrieve=extend_schema(summary=f"One {name}"),
        create=extend_schema(summary=f"Create a {name}"),
        update=extend_schema(summary=f"Replace a {name}"),
        partial_update=extend_schema(summary=f"Change a {name}"),
        destroy=extend_schema(
            summary=f"Delete a {name}",
            description="Refused (409 `conflict`) while an escalation policy or run uses it.",
            responses={204: None, **error_responses(409)},
        ),
    )


class ConfigViewSet[M: Model](Idempotent, AnswerBeforeCommit, viewsets.ModelViewSet[M]):
    permission_classes = (IsAuthenticated, IsAgent, ManagersWrite)
    pagination_class = ById
    filter_backends = [DjangoFilterBackend]

    def perform_destroy(self, instance: M) -> None:
        try:
            instance.delete()
        except ProtectedError as used:
            users = ", ".join(sorted({str(obj) for obj in used.protected_objects})[:5])
            raise InUse(f"Still used by: {users}. Change those first.") from None


@extend_schema(tags=["on-call"])
@documented("schedule", "schedules")
class ScheduleViewSet(ConfigViewSet[Schedule]):
    """A team's on-call schedule: its time zone, and its rotations (``rotations``)."""

    serializer_class = ScheduleSerializer
    filterset_class = ScheduleFilter
    queryset = Schedule.objects.prefetch_related("rotations").order_by("id")


@extend_schema(tags=["on-call"])
@documented("rotation", "rotations")
class RotationViewSet(ConfigViewSet[Rotation]):
    """Members take turns in order, handing off daily or weekly at a local time."""

    serializer_class = RotationSerializer
    filterset_class = RotationFilter
    queryset = Rotation.objects.prefetch_related("members").order_by("id")


@extend_schema(tags=["on-call"])
@documented("override", "overrides")
class OverrideViewSet(ConfigViewSet[Override]):
    """Someone covers part of a schedule; the latest override wins where they overlap.
    Agents add them on their own teams' schedules only (403 `forbidden` elsewhere); the
    person covering is in the schedule's team or already takes turns on it (400 `invalid`
    on `user` otherwise)."""

    serializer_class = OverrideSerializer
    filterset_class = OverrideFilter
    queryset = Override.objects.order_by("id")
