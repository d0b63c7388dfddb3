"""What the postmortem and action item API reads and answers with, on the shared ticket
serializers."""

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from catalog.models import Team
from changes.models import Change
from kernel.api.serializers import (
    TICKET_HEAD,
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
    TicketRefSerializer,
    UserRefSerializer,
    history_serializer,
    timeline_serializer,
)
from postmortems.blameless import warnings_data
from postmortems.models import (
    ActionItem,
    ItemState,
    Kind,
    Postmortem,
    PostmortemReviewer,
    PostmortemTimelineEntry,
    Status,
)
from postmortems.workflow import EDITABLE_FIELDS
from problems.models import Problem


class ReviewerSerializer(serializers.ModelSerializer[PostmortemReviewer]):
    user = UserRefSerializer(read_only=True)

    class Meta:
        model = PostmortemReviewer
        fields = ("user", "approved_at", "added_at")
        read_only_fields = fields


class WarningSerializer(serializers.Serializer[Any]):
    section = serializers.CharField(read_only=True, help_text="The field the sentence is in.")
    sentence = serializers.CharField(read_only=True)
    person = serializers.CharField(read_only=True, help_text="The name as written.")
    phrase = serializers.CharField(read_only=True, help_text="The blame word after it.")


class KeyEventSerializer(serializers.Serializer[Any]):
    at = serializers.CharField(read_only=True, help_text="ISO 8601; blank when unknown.")
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    author = serializers.CharField(read_only=True)


class SectionSerializer(serializers.Serializer[Any]):
    key = serializers.CharField(read_only=True, help_text="The field holding its text.")
    title = serializers.CharField(read_only=True)
    prompt = serializers.CharField(read_only=True)


@extend_schema_field(
    {
        "type": "object",
        "description": "Seconds between the incident's milestones; null where one is "
        "missing: `time_to_detect`, `time_to_acknowledge`, `time_to_mitigate`, "
        "`time_to_resolve` (from impact started), `reported_to_acknowledge`, "
        "`reported_to_mitigate`, `reported_to_resolve`, `impact_duration`.",
        "additionalProperties": {"type": "integer", "nullable": True},
    }
)
class DurationsField(serializers.JSONField):
    pass


class ActionItemSerializer(serializers.ModelSerializer[ActionItem]):
    postmortem = serializers.CharField(source="postmortem.number", read_only=True)
    owner = UserRefSerializer(read_only=True)
    problem = TicketRefSerializer(read_only=True, allow_null=True)
    change = TicketRefSerializer(read_only=True, allow_null=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()

    class Meta:
        model = ActionItem
        fields = (
            "id",
            "postmortem",
            "title",
            "kind",
            "owner",
            "due_date",
            "state",
            "state_display",
            "wont_do_reason",
            "overdue",
            "problem",
            "change",
            "reminded_at",
            "created_at",
            "updated_at",
        )
        read_only_fields = fields

    def get_overdue(self, item: ActionItem) -> bool:
        return item.is_overdue()


class PostmortemSerializer(TicketFieldsMixin, BuiltFieldsOnce):
    """A postmortem: the facts from its incident, its sections, reviewers and action
    items, and the blameless check's warnings."""

    url = serializers.HyperlinkedIdentityField(view_name="postmortem-detail", lookup_field="number")
    incident = TicketRefSerializer(read_only=True)
    author = UserRefSerializer(read_only=True)
    template = NamedRefSerializer(read_only=True, allow_null=True)
    services = NamedRefSerializer(many=True, read_only=True)
    durations = DurationsField(read_only=True)
    key_events = KeyEventSerializer(many=True, read_only=True)
    sections = SectionSerializer(many=True, read_only=True)
    problem = TicketRefSerializer(read_only=True, allow_null=True)
    reviewers = ReviewerSerializer(many=True, read_only=True)
    action_items = ActionItemSerializer(many=True, read_only=True)
    blameless_warnings = serializers.SerializerMethodField()

    class Meta:
        model = Postmortem
        fields = (
            *TICKET_HEAD,
            "incident",
            "author",
            "template",
            "service",
            "assignment_group",
            "services",
            "customer_impact",
            "impact_started_at",
            "impact_ended_at",
            "durations",
            "key_events",
            "sections",
            "root_causes",
            "contributing_factors",
            "went_well",
            "went_badly",
            "got_lucky",
            "lessons",
            "problem",
            "reviewers",
            "action_items",
            "blameless_warnings",
            "submitted_at",
            "published_at",
            *TICKET_TAIL,
        )
        read_only_fields = fields

    @extend_schema_field(WarningSerializer(many=True))
    def get_blameless_warnings(self, postmortem: Postmortem) -> list[dict[str, Any]]:
        return warnings_data(postmortem)


class PostmortemListSerializer(TicketListFieldsMixin, BuiltFieldsOnce):
    """A postmortem in a list, flat."""

    url = DetailUrlField("postmortem-detail")
    incident = serializers.CharField(source="incident__number", read_only=True)

    class Meta:
        model = Postmortem
        fields = (
            *TICKET_LIST_HEAD,
            "incident",
            "service",
            "service_name",
            "published_at",
            *TICKET_LIST_TAIL,
        )
        read_only_fields = fields
        list_serializer_class = FlatRows


PostmortemTimelineEntrySerializer = timeline_serializer(
    PostmortemTimelineEntry, "PostmortemTimelineEntrySerializer"
)
PostmortemHistoryRecordSerializer = history_serializer(Status, "PostmortemHistoryRecordSerializer")


class PostmortemCreateSerializer(StrictModelSerializer[Postmortem]):
    incident = serializers.CharField(max_length=20, help_text="The incident's number.")
    template = serializers.CharField(
        max_length=100,
        required=False,
        help_text="A template's name; the default template when left out.",
    )
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)

    class Meta:
        model = Postmortem
        fields = (*EDITABLE_FIELDS, "incident", "template")
        extra_kwargs = {"assignment_group": {"queryset": Team.objects.filter(is_active=True)}}


class PostmortemUpdateSerializer(StrictModelSerializer[Postmortem]):
    reason = serializers.CharField(
        required=False, allow_blank=True, max_length=100, help_text="Why: kept in the history."
    )

    class Meta(PostmortemCreateSerializer.Meta):
        fields = (*EDITABLE_FIELDS, "reason")


class ReviewerInputSerializer(StrictSerializer):
    user = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(is_active=True), help_text="The reviewer's user id."
    )


class ActionItemInputSerializer(StrictModelSerializer[ActionItem]):
    owner = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    problem = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Problem.objects.all(),
        required=False,
        allow_null=True,
        help_text="The number of the problem that carries it out.",
    )
    change = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Change.objects.all(),
        required=False,
        allow_null=True,
        help_text="The number of the change that carries it out.",
    )
    kind = serializers.ChoiceField(choices=Kind.choices, required=False)

    class Meta:
        model = ActionItem
        fields: tuple[str, ...] = ("title", "kind", "owner", "due_date", "problem", "change")


class ActionItemCreateSerializer(ActionItemInputSerializer):
    postmortem = serializers.SlugRelatedField(
        slug_field="number",
        queryset=Postmortem.objects.all(),
        help_text="The number of the postmortem it follows up.",
    )

    class Meta(ActionItemInputSerializer.Meta):
        fields = ("postmortem", *ActionItemInputSerializer.Meta.fields)


class ActionItemMoveSerializer(StrictSerializer):
    state = serializers.ChoiceField(choices=ItemState.choices)
    reason = serializers.CharField(
        max_length=50_000,
        required=False,
        allow_blank=True,
        help_text="Why it will not be done: required for `wont_do`.",
    )
