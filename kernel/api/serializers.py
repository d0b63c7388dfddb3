"""Serializers every ticket type's API shares: references, notes, the priority override,
timeline and history rows, move inputs built from the move table, and the ``allowed_moves``
and ``links`` fields of a ticket.

Input serializers only parse; output serializers only render."""

import copy
from collections.abc import Mapping
from functools import cache
from typing import Any

from django.db import models
from django.http import QueryDict
from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import ISO_8601, serializers
from rest_framework.settings import api_settings

from accounts.models import User
from catalog.models import Team
from kernel.api.details import detail_fields
from kernel.enums import Priority
from kernel.links import relations_of
from kernel.models import Ticket
from kernel.moves import Choice, Input, TeamRef, TicketWorkflow
from kernel.timeline import requester_view
from kernel.transitions import Move

# Fields clients commonly try to write, with where to go instead.
READ_ONLY_HINTS: dict[str, str] = {
    "status": "Read-only: change it with a move action (POST .../<move>/).",
    "priority": "Read-only: derived from impact and urgency; see POST .../override-priority/.",
}


def reject_unknown(data: object, fields: Mapping[str, Any]) -> None:
    """Refuse fields the serializer does not take instead of silently dropping them, so a
    client that sends ``status`` or misspells a field learns it at once."""
    if not isinstance(data, Mapping):
        return  # DRF itself answers "expected a dictionary"
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise serializers.ValidationError(
            {
                name: [READ_ONLY_HINTS.get(name, "This field cannot be set here.")]
                for name in unknown
            }
        )


def json_type_error(field: serializers.Field[Any, Any, Any, Any], value: Any) -> str | None:
    """Why ``value`` is not of the JSON type the schema gives ``field``, or None. DRF
    would take ``0`` for a string and ``"2"`` for a number; the contract does not."""
    if value is None or isinstance(field, serializers.JSONField | serializers.DictField):
        return None  # DRF answers null itself; free-form fields take anything
    expected: tuple[type, ...]
    if isinstance(field, serializers.ListField | serializers.ManyRelatedField):
        expected = (list,)
    elif isinstance(field, serializers.BooleanField):
        expected = (bool,)
    elif isinstance(field, serializers.ChoiceField):
        # Choices may be enum members: an IntegerChoices member is an int.
        expected = tuple({int if isinstance(key, int) else str for key in field.choices})
    elif isinstance(field, serializers.IntegerField | serializers.PrimaryKeyRelatedField):
        expected = (int,)
    elif isinstance(field, serializers.CharField | serializers.DateTimeField):
        expected = (str,)
    else:
        return None
    if isinstance(value, bool) and bool not in expected:
        return "Incorrect type."
    return None if isinstance(value, expected) else "Incorrect type."


def reject_mistyped(data: object, fields: Mapping[str, Any]) -> None:
    """Refuse JSON values of the wrong type. A form's values are all strings, so only a
    JSON body (a plain dict, not a ``QueryDict``) is checked."""
    if not isinstance(data, dict) or isinstance(data, QueryDict):
        return
    errors = {
        name: [problem]
        for name, value in data.items()
        if name in fields and (problem := json_type_error(fields[name], value))
    }
    if errors:
        raise serializers.ValidationError(errors)


class StrictSerializer(serializers.Serializer[Any]):
    refuses_unknown_fields = True  # the schema says so: additionalProperties false

    def to_internal_value(self, data: Any) -> Any:
        reject_unknown(data, self.fields)
        reject_mistyped(data, self.fields)
        return super().to_internal_value(data)


class OptionalChoiceField(serializers.ChoiceField):
    """A choice the record may not have made yet (a blank ``CharField`` with choices:
    ``hold_reason``, ``resolution_code``, ``close_code``): null until it is made, so the
    value is always null or one of the enum's, never ``""``."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["allow_null"] = True
        kwargs.pop("allow_blank", None)
        super().__init__(**kwargs)

    def to_representation(self, value: Any) -> Any:
        return None if value in ("", None) else super().to_representation(value)


class BuiltFieldsOnce(serializers.ModelSerializer[Any]):
    """A ``ModelSerializer`` that introspects its model once per class, not once per
    response: later instances get copies of the fields built the first time (DRF copies
    declared fields per instance anyway). Fields that only render are copied shallowly (a
    new object with the same settings); DRF's deep copy re-runs every field's ``__init__``,
    which is what a list response spent most of its field handling on."""

    _built: dict[type, dict[str, Any]] = {}

    def build_standard_field(
        self, field_name: str, model_field: "models.Field[Any, Any]"
    ) -> tuple[type[serializers.Field[Any, Any, Any, Any]], dict[str, Any]]:
        field_class, kwargs = super().build_standard_field(field_name, model_field)
        if model_field.choices and model_field.blank and isinstance(model_field, models.CharField):
            return OptionalChoiceField, kwargs
        return field_class, kwargs

    def get_fields(self) -> dict[str, Any]:
        built = BuiltFieldsOnce._built.get(type(self))
        if built is None:
            built = BuiltFieldsOnce._built[type(self)] = super().get_fields()
        if all(field.read_only for field in built.values()):
            return {name: copy.copy(field) for name, field in built.items()}
        return copy.deepcopy(built)


class StrictModelSerializer[M: models.Model](BuiltFieldsOnce):
    refuses_unknown_fields = True

    def to_internal_value(self, data: Any) -> Any:
        reject_unknown(data, self.fields)
        reject_mistyped(data, self.fields)
        return super().to_internal_value(data)


# --- output ---------------------------------------------------------------------------

# What every ticket's representation opens with, in the schema's order.
TICKET_HEAD: tuple[str, ...] = (
    "url",
    "number",
    "title",
    "description",
    "status",
    "status_display",
    "priority",
    "priority_display",
    "priority_override_reason",
    "impact",
    "urgency",
)
# ...and closes with.
TICKET_TAIL: tuple[str, ...] = ("created_at", "updated_at", "allowed_moves", "links")


# Rendering is the hot path of every list: these fields read a plain attribute and look a
# label up in a dict. DRF's ``source="get_status_display"`` or ``source="__str__"`` would
# run ``inspect.signature`` on a bound method for every row.


@cache
def choice_labels(model: type[models.Model], field: str) -> dict[Any, str]:
    choices = model._meta.get_field(field).flatchoices  # type: ignore[union-attr]
    return {value: str(label) for value, label in choices}


class LabelField(serializers.CharField):
    """The label of a choice field's value (``status`` -> "In Progress"), from the model
    field's choices, found when the field is bound."""

    def __init__(self, of: str, **kwargs: Any) -> None:
        self.of = of
        self.labels: dict[Any, str] = {}
        super().__init__(source=of, read_only=True, **kwargs)

    def bind(self, field_name: str, parent: Any) -> None:
        super().bind(field_name, parent)
        self.labels = choice_labels(parent.Meta.model, self.of)

    def to_representation(self, value: Any) -> str:
        return self.labels.get(value, "")


class DisplayNameField(serializers.CharField):
    """How a related record shows itself (a user's full name, a team's name)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        return str(value)


class NamedRefSerializer(serializers.Serializer[Any]):
    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)


class UserRefSerializer(serializers.Serializer[User]):
    id = serializers.IntegerField(read_only=True)
    username = serializers.CharField(read_only=True)
    name = DisplayNameField(source="*")


class TicketRefSerializer(serializers.Serializer[Ticket]):
    """Another ticket, as a link to it: enough to show it without a second request."""

    number = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    status_display = serializers.CharField(source="get_status_display", read_only=True)
    # (A link's model varies per row, so its label comes from the row's own method.)


class TicketFieldsMixin(serializers.Serializer[Any]):
    """``allowed_moves`` (for the requesting user) and ``links`` (registered cross links).
    Both read only what is in memory: the move table, cached permissions, and the rows
    ``kernel.links.with_relations`` loaded with the list. Then the fields higher apps add
    to the type's detail (``kernel.api.details``), which may read more."""

    allowed_moves = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()
    # What every ticket type shows the same way; a type lists the ones it has in its
    # Meta.fields (DRF does not require fields declared on a base class).
    status_display = LabelField("status")
    priority_display = LabelField("priority")
    assigned_to = UserRefSerializer(read_only=True, allow_null=True)
    assignment_group = NamedRefSerializer(read_only=True, allow_null=True)
    service = NamedRefSerializer(read_only=True, allow_null=True)
    category = NamedRefSerializer(read_only=True, allow_null=True)
    subcategory = NamedRefSerializer(read_only=True, allow_null=True)

    def get_fields(self) -> dict[str, Any]:
        # What higher apps add to this type's detail (``kernel.api.details``), last.
        fields: dict[str, Any] = super().get_fields()
        fields.update(detail_fields(self.Meta.model))  # type: ignore[attr-defined]
        return fields

    def get_allowed_moves(self, ticket: Ticket) -> list[str]:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if not isinstance(user, User):
            return []
        return [move.name for move in type(ticket).moves.offered(ticket, user)]

    @extend_schema_field(
        {
            "type": "object",
            "description": "Linked tickets of other types, by relation (`problem`, ...).",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "number": {"type": "string"},
                        "title": {"type": "string"},
                        "status_display": {"type": "string"},
                    },
                },
            },
        }
    )
    def get_links(self, ticket: Ticket) -> dict[str, Any]:
        return {
            relation.name: [TicketRefSerializer(target).data for target in relation.targets(ticket)]
            for relation in relations_of(type(ticket))
        }


class DetailUrlField(serializers.URLField):
    """The row's detail URL, built from its number: the route is reversed once per
    response, not once per row."""

    def __init__(self, view_name: str, **kwargs: Any) -> None:
        self.view_name = view_name
        self.prefix: str | None = None
        super().__init__(source="number", read_only=True, **kwargs)

    def to_representation(self, value: Any) -> str:
        if self.prefix is None:
            request = self.context["request"]
            marker = "NUMBER"
            url = request.build_absolute_uri(reverse(self.view_name, kwargs={"number": marker}))
            self.prefix = url[: url.rindex(marker)]
            self.suffix = url[url.rindex(marker) + len(marker) :]
        return f"{self.prefix}{value}{self.suffix}"


class NameField(serializers.CharField):
    """A related record's name, read by the database with the row (``service__name``)."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        super().__init__(source=f"{path}__name", read_only=True, allow_null=True, **kwargs)


class UserNameField(serializers.CharField):
    """A related user's display name (``User.display_name``) from the three columns the
    row reads with it; null when there is no such user."""

    def __init__(self, path: str, **kwargs: Any) -> None:
        self.columns = tuple(f"{path}__{name}" for name in ("first_name", "last_name", "username"))
        super().__init__(source="*", read_only=True, allow_null=True, **kwargs)

    def to_representation(self, value: Any) -> Any:
        first, last, username = (value[column] for column in self.columns)
        return None if username is None else User.display_name(first, last, username)


class TicketListFieldsMixin(serializers.Serializer[Any]):
    """What a list row of every ticket type shows, flat: ids and the labels a list needs,
    nothing computed per row. ``allowed_moves``, ``links`` and the long texts are on the
    detail (``GET .../<number>/``), which a client opens for one record.

    A list reads its rows as values (``row_values``), not model instances: the fields
    read dict keys; the names are joined columns."""

    status_display = LabelField("status")
    priority_display = LabelField("priority")
    assignment_group = serializers.IntegerField(
        source="assignment_group_id", read_only=True, allow_null=True
    )
    assignment_group_name = NameField("assignment_group")
    assigned_to = serializers.IntegerField(source="assigned_to_id", read_only=True, allow_null=True)
    assigned_to_name = UserNameField("assigned_to")
    # Every ticket has a service; a type that lists it names both in its Meta.fields.
    service = serializers.IntegerField(source="service_id", read_only=True, allow_null=True)
    service_name = NameField("service")


# Fields whose to_representation hands a database value back unchanged.
PASS_THROUGH: frozenset[type] = frozenset(
    {
        serializers.IntegerField,
        serializers.CharField,
        serializers.BooleanField,
        serializers.ChoiceField,
    }
)


def iso_8601(field: serializers.DateTimeField) -> bool:
    output = getattr(field, "format", api_settings.DATETIME_FORMAT)
    return isinstance(output, str) and output.lower() == ISO_8601


def field_zone(field: serializers.DateTimeField) -> Any:
    return field.timezone if hasattr(field, "timezone") else field.default_timezone()


def iso_in(zone: Any) -> Any:
    """``DateTimeField.to_representation`` for aware datetimes, with the zone looked up
    once: DRF looks it up for every value."""

    def render(value: Any) -> str:
        text = (value.astimezone(zone) if zone is not None else value).isoformat()
        return text[:-6] + "Z" if text.endswith("+00:00") else text

    return render


def column_of(field: serializers.Field[Any, Any, Any, Any]) -> str | None:
    """The ``values()`` key a list field reads, or None when it reads the whole row
    (``source="*"``: its own ``columns`` say which)."""
    source = str(field.source)
    return None if source == "*" else source.replace(".", "__")


class FlatRows(serializers.ListSerializer[Any]):
    """The list of a list serializer whose rows are values (dicts): what each field does
    is decided once per response, not once per row and field. A field DRF would only pass
    through (an int, a string, a choice's value, exactly those classes) is copied; the
    others run their own ``to_representation``. The output is DRF's, value for value
    (``tests/api/test_list_rows.py`` compares them)."""

    def to_representation(self, data: Any) -> list[dict[str, Any]]:
        rows = data.all() if isinstance(data, models.manager.BaseManager) else data
        plan: list[tuple[str, str | None, Any]] = []
        for field in self.child._readable_fields:  # type: ignore[union-attr]
            name, column = str(field.field_name), column_of(field)
            if column is None:
                plan.append((name, None, field.to_representation))
            elif type(field) in PASS_THROUGH:
                plan.append((name, column, None))
            elif type(field) is serializers.DateTimeField and iso_8601(field):
                plan.append((name, column, iso_in(field_zone(field))))
            else:
                plan.append((name, column, field.to_representation))
        rendered = []
        for row in rows:
            item: dict[str, Any] = {}
            for key, column, render in plan:
                if column is None:
                    item[key] = render(row)
                else:
                    value = row[column]
                    item[key] = value if render is None or value is None else render(value)
            rendered.append(item)
        return rendered


@cache
def row_values(serializer_class: type[serializers.Serializer[Any]]) -> tuple[str, ...]:
    """The columns a list serializer's fields read: what to pass to ``QuerySet.values``."""
    columns: list[str] = []
    for field in serializer_class().fields.values():
        column = column_of(field)
        columns.extend(getattr(field, "columns", ()) if column is None else (column,))
    return tuple(dict.fromkeys(columns))


# What every ticket's list row shows, in the schema's order; a type adds its own between.
TICKET_LIST_HEAD: tuple[str, ...] = (
    "url",
    "number",
    "title",
    "status",
    "status_display",
    "priority",
    "priority_display",
    "impact",
    "urgency",
)
TICKET_LIST_TAIL: tuple[str, ...] = (
    "assignment_group",
    "assignment_group_name",
    "assigned_to",
    "assigned_to_name",
    "created_at",
    "updated_at",
)


def timeline_serializer(entry_model: type[models.Model], name: str) -> type[Any]:
    """The output serializer of a ticket type's timeline entries."""
    fields = ("id", "kind", "kind_display", "verb", "body", "data", "author", "created_at")
    meta = type("Meta", (), {"model": entry_model, "fields": fields, "read_only_fields": fields})
    attrs: dict[str, Any] = {
        "author": UserRefSerializer(read_only=True, allow_null=True),
        "kind_display": LabelField("kind"),
        "Meta": meta,
        "__module__": __name__,
    }
    return type(name, (TimelineEntryBase,), attrs)


class TimelineEntryBase(serializers.ModelSerializer[Any]):
    """A timeline entry; for a requester (``requester_timeline`` in the context, set by
    ``TicketViewSet`` for anyone but agents) only the body and data keys their
    allow-list names (``kernel.timeline``)."""

    def to_representation(self, instance: Any) -> dict[str, Any]:
        out: dict[str, Any] = super().to_representation(instance)
        allowed = self.context.get("requester_timeline")
        if allowed is not None:
            body, data = requester_view(instance, allowed) or ("", {})
            out["body"], out["data"] = body, data
        return out


@extend_schema_field(
    {
        "description": "A field's value: a reference is its id, a choice its code, a "
        "time ISO 8601; null when empty.",
        "nullable": True,
    }
)
class AnyValueField(serializers.JSONField):
    """A history value, whatever the field's type."""


class FieldChangeSerializer(serializers.Serializer[Any]):
    field = serializers.CharField(read_only=True, help_text="The field's name.")
    old = AnyValueField(read_only=True, help_text="Before; null on creation.")
    new = AnyValueField(read_only=True, help_text="After.")


def history_serializer(status: type[models.IntegerChoices], name: str) -> type[Any]:
    """One django-simple-history row: who changed the ticket (``history_user``), when
    (``history_date``), why (``history_change_reason``), every field the save changed
    (``changes``, set by ``kernel.history.with_changes``), and the state and assignment it
    was left in."""
    attrs: dict[str, Any] = {
        "history_id": serializers.IntegerField(read_only=True),
        "history_date": serializers.DateTimeField(read_only=True),
        "history_type": serializers.ChoiceField(
            choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], read_only=True
        ),
        "history_user": UserRefSerializer(read_only=True, allow_null=True),
        "history_change_reason": serializers.CharField(read_only=True, allow_null=True),
        "changes": FieldChangeSerializer(
            many=True,
            read_only=True,
            help_text="Each field this save changed, with its value before and after; on "
            "creation, each field given a value.",
        ),
        "status": serializers.ChoiceField(choices=status.choices, read_only=True),
        "status_display": serializers.CharField(source="get_status_display", read_only=True),
        "priority": serializers.ChoiceField(choices=Priority.choices, read_only=True),
        "assignment_group": NamedRefSerializer(read_only=True, allow_null=True),
        "assigned_to": UserRefSerializer(read_only=True, allow_null=True),
        "__doc__": history_serializer.__doc__,
        "__module__": __name__,
    }
    return type(name, (serializers.Serializer,), attrs)


# --- input ----------------------------------------------------------------------------


class NoteSerializer(StrictSerializer):
    body = serializers.CharField(max_length=50_000)


class PriorityOverrideSerializer(StrictSerializer):
    priority = serializers.ChoiceField(
        choices=Priority.choices,
        allow_null=True,
        help_text="The priority to set; null hands the priority back to the matrix.",
    )
    reason = serializers.CharField(max_length=500, help_text="Why the matrix's priority is wrong.")


def input_field(spec: Input) -> serializers.Field[Any, Any, Any, Any]:
    """The API field of one move input (``kernel.moves``): it documents the input in the
    schema; the workflow parses the value under the row lock. An optional input may be
    null, which the workflow takes as not given."""
    kind, required = spec.kind, spec.required
    optional: dict[str, Any] = {
        "required": required,
        "allow_null": not required,
        "help_text": kind.help,
    }
    if isinstance(kind, Choice):
        return serializers.ChoiceField(choices=kind.choices.choices, **optional)
    if isinstance(kind, TeamRef):
        return serializers.PrimaryKeyRelatedField(
            queryset=Team.objects.filter(is_active=True), **optional
        )
    return serializers.CharField(allow_blank=not required, max_length=kind.max_length, **optional)


def move_input_serializers(
    workflow: TicketWorkflow[Any], prefix: str = ""
) -> dict[str, type[StrictSerializer]]:
    """The body of each ``POST .../<move>/``, built from the move function's inputs."""

    def build(move: Move) -> type[StrictSerializer]:
        attrs: dict[str, Any] = {
            spec.name: input_field(spec) for spec in workflow.inputs(move.name)
        }
        attrs["__doc__"] = f"What {move.label.lower()} asks for."
        attrs["__module__"] = __name__
        name = prefix + "".join(part.capitalize() for part in move.name.split("_"))
        return type(f"{name}Serializer", (StrictSerializer,), attrs)

    return {move.name: build(move) for move in workflow.model.moves}
