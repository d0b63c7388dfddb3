"""What the response endpoints take and answer (``response.api.views``): input serializers
refuse unknown fields (``StrictSerializer``), output ones are read-only."""

from typing import Any

from rest_framework import serializers

from incidents.milestones import MILESTONES
from incidents.models import Role
from kernel.api.serializers import (
    NamedRefSerializer,
    StrictSerializer,
    TicketRefSerializer,
    UserRefSerializer,
)
from response.models import Stakeholder, StakeholderUpdate, UpdateAudience
from statuspage.enums import Phase
from statuspage.workflow import BODY_MAX, TITLE_MAX

# --- stakeholder updates ------------------------------------------------------------------


class UpdateInputSerializer(StrictSerializer):
    body = serializers.CharField(max_length=BODY_MAX, help_text="The update (plain text).")
    public = serializers.BooleanField(
        default=False,
        help_text="Post it on the status page (mailed to its subscribers) instead of to the "
        "stakeholders and watchers.",
    )
    phase = serializers.ChoiceField(
        choices=Phase.choices,
        required=False,
        allow_null=True,
        help_text="Public updates: the phase announced (default: the current one, else "
        "investigating).",
    )
    title = serializers.CharField(
        max_length=TITLE_MAX,
        required=False,
        allow_blank=True,
        help_text="Public updates: the public title, required on the first one.",
    )
    next_update_due = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When the next update is due (future); default: one cadence length from "
        "now, by severity (MAJOR_UPDATE_CADENCE_MINUTES).",
    )


class UpdateSerializer(serializers.ModelSerializer[StakeholderUpdate]):
    author = UserRefSerializer(read_only=True, allow_null=True)
    audience = serializers.ChoiceField(choices=UpdateAudience.choices, read_only=True)
    status_update = serializers.IntegerField(
        source="status_update_id",
        read_only=True,
        allow_null=True,
        help_text="The status page's update a public update posted.",
    )

    class Meta:
        model = StakeholderUpdate
        fields = (
            "id",
            "audience",
            "body",
            "author",
            "created_at",
            "next_update_due",
            "status_update",
        )
        read_only_fields = fields


# --- stakeholders ---------------------------------------------------------------------------


class StakeholderInputSerializer(StrictSerializer):
    user = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A user's id (or give `team`)."
    )
    team = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, help_text="A team's id (or give `user`)."
    )

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if (attrs.get("user") is None) == (attrs.get("team") is None):
            raise serializers.ValidationError({"user": ["Give a user or a team (one of them)."]})
        return attrs


class StakeholderSerializer(serializers.ModelSerializer[Stakeholder]):
    user = UserRefSerializer(read_only=True, allow_null=True)
    team = NamedRefSerializer(read_only=True, allow_null=True)
    added_by = UserRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Stakeholder
        fields = ("id", "user", "team", "added_by", "added_at")
        read_only_fields = fields


# --- roles, children, milestones -----------------------------------------------------------


class RoleInputSerializer(StrictSerializer):
    role = serializers.ChoiceField(choices=Role.choices)
    user = serializers.IntegerField(min_value=1, help_text="The user's id.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=500)


class ChildInputSerializer(StrictSerializer):
    child = serializers.CharField(max_length=20, help_text="The child incident's number.")


class ChildSerializer(TicketRefSerializer):
    pass


class MilestoneInputSerializer(StrictSerializer):
    milestone = serializers.ChoiceField(choices=[(name, name) for name in MILESTONES])
    at = serializers.DateTimeField(help_text="When it happened.")
    reason = serializers.CharField(max_length=500, help_text="Why it is set by hand.")


class MilestoneSerializer(serializers.Serializer[Any]):
    milestone = serializers.CharField(read_only=True)
    at = serializers.DateTimeField(read_only=True, allow_null=True)


# --- the timeline ---------------------------------------------------------------------------


class ScribeInputSerializer(StrictSerializer):
    at = serializers.DateTimeField(help_text="When it happened (not in the future).")
    body = serializers.CharField(max_length=5000, help_text="What happened.")


class StarInputSerializer(StrictSerializer):
    key = serializers.CharField(max_length=64, help_text="An item's key: `entry:12`, `alert:3`.")
    starred = serializers.BooleanField(default=True, help_text="False removes the star.")


class ItemSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(read_only=True, help_text="`<source>:<id>`, what stars name.")
    at = serializers.DateTimeField(read_only=True, help_text="When it happened.")
    recorded_at = serializers.DateTimeField(read_only=True, help_text="When it was written down.")
    # A field called "source" shadows Field.source for the type checker only: DRF takes
    # declared fields out of the class.
    source = serializers.CharField(  # type: ignore[assignment]
        read_only=True,
        help_text="`entry` (the incident's timeline), `alert`, `alert_end`, `change` (the "
        "causing change's timeline) or `notification`.",
    )
    id = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    author = serializers.CharField(read_only=True)
    starred = serializers.BooleanField(read_only=True)
