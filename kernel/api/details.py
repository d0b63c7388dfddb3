"""Fields a higher app adds to a lower ticket type's detail (``GET .../<number>/``), such as
the runbooks alerts find for an incident, without the lower app importing it.

The higher app registers a field factory from its ``wiring``; ``TicketFieldsMixin`` adds a
fresh field per serializer, after the type's own fields, so the schema shows it like any
other. List rows (``TicketListFieldsMixin``) never carry them: a detail field may cost
queries, a row may not."""

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from rest_framework import serializers

type FieldFactory = Callable[[], serializers.Field[Any, Any, Any, Any]]
"""Makes the field, read-only, with ``source="*"`` when it reads the whole ticket."""

_fields: dict[type[Model], dict[str, FieldFactory]] = {}


def register_detail_field(model: type[Model], name: str, make: FieldFactory) -> None:
    """``model``'s detail carries ``name``, rendered by the field ``make()`` builds. Called
    from an app's ``wiring.connect()``; idempotent."""
    _fields.setdefault(model, {})[name] = make


def detail_fields(model: type[Model]) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
    """New fields for one serializer of ``model``'s detail (a field is bound to one)."""
    return {name: make() for name, make in _fields.get(model, {}).items()}
