"""What the change API reads and answers with, on the shared ticket serializers."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from catalog.models import Service, Team
from changes.models import (
    ApprovalState,
    Change,
    ChangeApproval,
    ChangeTemplate,
    ChangeTimelineEntry,
    Status,
)
from changes.risk import QUESTIONS
from changes.workflow import EDITABLE_FIELDS
from kernel.api.serializers import (
    TICKET_LIST_HEAD,
    TICKET_LIST_TAIL,
    TICKET_TAIL,
    BuiltFieldsOnce,
    DetailUrlField,
    FlatRows,
    NamedRefSerializer,
    StrictModelSerializer,
    StrictSerializer,
    TicketFieldsMixin,
    TicketListFieldsMixin,
    UserNameField,
    UserRefSerializer,
    history_serializer,
    timeline_serializer,
)


class ApprovalSerializer(serializers.ModelSerializer[ChangeApproval]):
    approver = UserRefSerializer(read_only=True, allow_null=True)
    group = NamedRefSerializer(read_only=True, allow_null=True)
    decided_by = UserRefSerializer(read_only=True, allow_null=True)
    state = serializers.ChoiceField(choices=ApprovalState.choices, read_only=True)

    class Meta:
        model = ChangeApproval
        fields = (
            "id",
            "approver",
            "group",
            "emergency",
            "state",
            "comment",
            "decided_by",
            "decided_at",
            "requested_at",
        )
        read_only_fields = fields


class ChangeSerializer(TicketFieldsMixin, BuiltFieldsOnce):
    """A change with its approvals. ``links``: the problems it fixes, incidents it caused."""

    url = serializers.HyperlinkedIdentityField(view_name="change-detail", lookup_field="number")
    requested_by = UserRefSerializer(read_only=True, allow_null=True)
    services = NamedRefSerializer(many=True, read_only=True)
    template = NamedRefSerializer(read_only=True, allow_null=True)
    approvals = ApprovalSerializer(many=True, read_only=True)

    class Meta:
        model = Change
        fields = (
            "url",
            "number",
            "type",
            "title",
            "description",
            "justification",
            "status",
            "status_display",
            "priority",
            "priority_display",
            "impact",
            "urgency",
            "risk",
            "risk_answers",
            "services",
            "template",
            "requested_by",
            "assignment_group",
            "assigned_to",
            "implementation_plan",
            "backout_plan",
            "test_plan",
            "planned_start",
            "planned_end",
            "customer_visible",
            "actual_start",
            "actual_end",
            "conflict_override_reason",
            "close_code",
            "close_notes",
            "closed_at",
            "approvals",
            *TICKET_TAIL,
        )
        read_only_fields = fields


class ChangeListSerializer(TicketListFieldsMixin, BuiltFieldsOnce):
    """A change in a list, flat: its window and risk. Open one for plans and approvals."""

    url = DetailUrlField("change-detail")
    requested_by = serializers.IntegerField(
        source="requested_by_id", read_only=True, allow_null=True
    )
    requested_by_name = UserNameField("requested_by")

    class Meta:
        model = Change
        fields = (
            *TICKET_LIST_HEAD[:3],
            "type",
            *TICKET_LIST_HEAD[3:],
            "risk",
            "planned_start",
            "planned_end",
            "requested_by",
            "requested_by_name",
            *TICKET_LIST_TAIL,
        )
        read_only_fields = fields
        list_serializer_class = FlatRows


ChangeTimelineEntrySerializer = timeline_serializer(
    ChangeTimelineEntry, "ChangeTimelineEntrySerializer"
)
ChangeHistoryRecordSerializer = history_serializer(Status, "ChangeHistoryRecordSerializer")

_QUERYSETS = {
    "assigned_to": {"queryset": User.objects.filter(is_active=True)},
    "services": {"queryset": Service.objects.filter(is_active=True)},
    "assignment_group": {"queryset": Team.objects.filter(is_active=True)},
}


@extend_schema_field(
    {
        "type": "object",
        "description": "The risk questions' answers the risk comes from: "
        + "; ".join(f"`{name}`: {text}" for name, (text, _) in QUESTIONS.items()),
        "properties": {name: {"type": "boolean", "nullable": True} for name in QUESTIONS},
        "additionalProperties": False,
    }
)
class RiskAnswersField(serializers.JSONField):
    """The answers, by question name: true, false or null (not answered)."""


class ChangeCreateSerializer(StrictModelSerializer[Change]):
    risk_answers = RiskAnswersField(required=False)
    template = serializers.PrimaryKeyRelatedField(
        queryset=ChangeTemplate.objects.filter(is_active=True),
        required=False,
        help_text="A standard change's template (id); standard changes need one.",
    )

    class Meta:
        model = Change
        fields = (*EDITABLE_FIELDS, "template")
        extra_kwargs = _QUERYSETS


class ChangeUpdateSerializer(StrictModelSerializer[Change]):
    risk_answers = RiskAnswersField(required=False)
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Why: kept in the history."
    )

    class Meta:
        model = Change
        fields = (*EDITABLE_FIELDS, "reason")
        extra_kwargs = _QUERYSETS


class DecisionSerializer(StrictSerializer):
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=50_000, help_text="Optional."
    )


class RejectionSerializer(StrictSerializer):
    comment = serializers.CharField(max_length=50_000, help_text="Why: the requester reads it.")


class NumbersSerializer(StrictSerializer):
    numbers = serializers.ListField(
        child=serializers.CharField(max_length=20), min_length=1, help_text="Numbers."
    )


class ConflictSerializer(serializers.Serializer[Any]):
    kind = serializers.CharField(read_only=True, help_text="`change` or `blackout`.")
    reference = serializers.CharField(read_only=True)
    start = serializers.DateTimeField(read_only=True)
    end = serializers.DateTimeField(read_only=True)


class FailureRateSerializer(serializers.Serializer[Any]):
    closed = serializers.IntegerField(read_only=True)
    failed = serializers.IntegerField(read_only=True, help_text="Closed and caused an incident.")
    rate = serializers.FloatField(read_only=True, allow_null=True)
