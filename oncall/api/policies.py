"""Escalation policies as code (``/api/v1/oncall/escalation-policies/``): whom to page
for which incidents, a ladder of levels each with one target and a wait in minutes, as
PagerDuty's escalation rules. Who may write: as every on-call route (``oncall.api.config``)."""

from datetime import timedelta
from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from drf_spectacular.utils import extend_schema
from rest_framework import serializers

from catalog.models import Service, Team
from incidents.models import Severity
from kernel.api.filters import FilterSet, IdFilter
from kernel.api.serializers import StrictModelSerializer, StrictSerializer
from kernel.enums import Priority
from oncall.api.config import ConfigViewSet, active_users, documented
from oncall.configuration import MAX_DELAY_MINUTES, Level, policy_set_levels
from oncall.models import EscalationLevel, EscalationPolicy, Schedule

MAX_LEVELS = 20


class LevelSerializer(StrictSerializer):
    schedule = serializers.PrimaryKeyRelatedField(
        queryset=Schedule.objects.all(), required=False, allow_null=True
    )
    user = serializers.PrimaryKeyRelatedField(
        queryset=active_users(), required=False, allow_null=True
    )
    team_manager = serializers.BooleanField(
        required=False, default=False, help_text="Page the manager of the incident's group."
    )
    delay_minutes = serializers.IntegerField(
        min_value=1,
        max_value=MAX_DELAY_MINUTES,
        help_text="Minutes to wait for an acknowledgement before paging the next level.",
    )

    def to_representation(self, level: EscalationLevel) -> dict[str, Any]:
        return {
            "schedule": level.schedule_id,
            "user": level.user_id,
            "team_manager": level.team_manager,
            "delay_minutes": max(1, round(level.delay.total_seconds() / 60)),
        }

    def validate(self, data: dict[str, Any]) -> dict[str, Any]:
        targets = [data.get("schedule"), data.get("user"), data.get("team_manager") or None]
        if sum(target is not None for target in targets) != 1:
            raise serializers.ValidationError(
                "Choose exactly one target: a schedule, a user or team_manager."
            )
        return data


class EscalationPolicySerializer(StrictModelSerializer[EscalationPolicy]):
    team = serializers.PrimaryKeyRelatedField(
        queryset=Team.objects.all(), required=False, allow_null=True
    )
    services = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.all(), many=True, required=False
    )
    page_priorities = serializers.ListField(
        child=serializers.ChoiceField(choices=Priority.choices),
        required=False,
        max_length=len(Priority),
        help_text="Priorities whose incidents page (1 is critical).",
    )
    page_severities = serializers.ListField(
        child=serializers.ChoiceField(choices=Severity.choices),
        required=False,
        max_length=len(Severity),
        help_text="Severities whose incidents page (1 is SEV1).",
    )
    repeat = serializers.IntegerField(min_value=0, max_value=10, required=False)
    levels = LevelSerializer(  # type: ignore[call-arg]  # many=True takes max_length
        many=True, max_length=MAX_LEVELS, help_text="The ladder, in order: level 1 first."
    )

    class Meta:
        model = EscalationPolicy
        fields = (
            "id",
            "name",
            "team",
            "services",
            "page_priorities",
            "page_severities",
            "repeat",
            "is_active",
            "levels",
        )

    def to_representation(self, policy: EscalationPolicy) -> dict[str, Any]:
        data = super().to_representation(policy)
        data["page_priorities"] = sorted(policy.page_priorities)
        data["page_severities"] = sorted(policy.page_severities)
        return data

    def save_levels(self, policy: EscalationPolicy, levels: list[dict[str, Any]]) -> None:
        ladder = [
            Level(
                delay=timedelta(minutes=level["delay_minutes"]),
                schedule_id=level["schedule"].pk if level.get("schedule") else None,
                user_id=level["user"].pk if level.get("user") else None,
                team_manager=bool(level.get("team_manager")),
            )
            for level in levels
        ]
        try:
            policy_set_levels(policy, ladder)
        except DjangoValidationError as invalid:
            raise serializers.ValidationError({"levels": invalid.message_dict}) from None

    def _clean(self, validated_data: dict[str, Any]) -> dict[str, Any]:
        for name in ("page_priorities", "page_severities"):
            if name in validated_data:
                validated_data[name] = sorted({int(v) for v in validated_data[name]})
        return validated_data

    def create(self, validated_data: dict[str, Any]) -> EscalationPolicy:
        levels = validated_data.pop("levels")
        with transaction.atomic():
            policy = super().create(self._clean(validated_data))
            self.save_levels(policy, levels)
        return policy

    def update(self, policy: EscalationPolicy, validated_data: dict[str, Any]) -> EscalationPolicy:
        levels = validated_data.pop("levels", None)
        with transaction.atomic():
            policy = super().update(policy, self._clean(validated_data))
            if levels is not None:
                self.save_levels(policy, levels)
        return policy


class EscalationPolicyFilter(FilterSet):
    team = IdFilter(help_text="A team's id: its policies.")

    class Meta:
        model = EscalationPolicy
        fields: list[str] = []


@extend_schema(tags=["on-call"])
@documented("escalation policy", "escalation policies")
class EscalationPolicyViewSet(ConfigViewSet[EscalationPolicy]):
    """Whom to page for which incidents, in which order, after how long."""

    serializer_class = EscalationPolicySerializer
    filterset_class = EscalationPolicyFilter
    queryset = EscalationPolicy.objects.prefetch_related("levels", "services").order_by("id")
