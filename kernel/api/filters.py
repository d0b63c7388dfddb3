"""Filter backends the API shares."""

from collections.abc import Sequence
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema_field
from rest_framework.filters import OrderingFilter
from rest_framework.request import Request
from rest_framework.views import APIView

from kernel.api.values import in_utc, refusal

UNIQUE_FIELDS = frozenset({"id", "pk"})


@extend_schema_field(
    {
        "type": "string",
        "format": "date-time",
        # What PostgreSQL takes (kernel.api.values.MAX_UTC_OFFSET): RFC 3339 allows offsets
        # to 23:59, so the schema says where ours end.
        "pattern": r"(?:[Zz]|[+-](?:0[0-9]|1[0-5]):[0-5][0-9])$",
    }
)
class DateTimeFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 date-time filter whose schema states the UTC offsets the API takes (a
    larger one is a 400 naming the field: ``StorableValuesForm``)."""


class StorableValuesForm(forms.Form):
    """A filter form whose cleaned values PostgreSQL takes: a datetime with an offset it
    refuses (``-18:58``), a number beyond bigint or a NUL in a string is the field's
    400, never the database's error. Datetimes go on in UTC."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, value in list(cleaned.items()):
            problem = refusal(value)
            if problem is not None:
                self.add_error(name, problem)
            else:
                cleaned[name] = in_utc(value)
        return cleaned


class FilterSet(django_filters.FilterSet):
    """django-filter's, whose form has only the filters the request names: a list asked
    for ``?status=2`` builds, copies and cleans one form field, not all of them (the others
    would clean to nothing and filter nothing). Each such form class is built once. A
    filter set whose filters depend on the request must not use it."""

    _form_classes: dict[tuple[type, frozenset[str]], type[forms.Form]] = {}

    def get_form_class(self) -> type[forms.Form]:
        asked = frozenset(name for name in self.filters if self._is_asked(name))
        key = (type(self), asked)
        built = FilterSet._form_classes.get(key)
        if built is None:
            fields = {name: f.field for name, f in self.filters.items() if name in asked}
            bases = (StorableValuesForm, self._meta.form)
            built = type(f"{type(self).__name__}Form", bases, fields)
            FilterSet._form_classes[key] = built
        return built

    def is_valid(self) -> bool:
        """django-filter's, and stricter about what the schema says: a scalar filter given
        twice, an empty value for a typed filter and a boolean other than true or false
        are refused (django-filter would use the last value, or drop the filter)."""
        valid = bool(super().is_valid())
        for name, message in self._malformed():
            self.form.add_error(name, message)
        return valid and not self.form.errors

    def _malformed(self) -> list[tuple[str, str]]:
        problems = []
        for name in self.form.fields:
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            flt = self.filters[name]
            if isinstance(flt, django_filters.MultipleChoiceFilter) or not values:
                continue
            if len(values) > 1:
                problems.append((name, "Give one value."))
            elif values[0] == "" and (
                not isinstance(flt, django_filters.CharFilter) or flt.extra.get("validators")
            ):
                problems.append((name, "Give a value, or leave the parameter out."))
            elif isinstance(flt, django_filters.BooleanFilter) and values[0].lower() not in (
                "true",
                "false",
            ):
                problems.append((name, "Use true or false."))
        return problems

    def _is_asked(self, name: str) -> bool:
        prefix = f"{self.form_prefix}-{name}" if self.form_prefix else name
        return any(key == prefix or key.startswith(prefix + "_") for key in self.data)


class StableOrderingFilter(OrderingFilter):
    """``?ordering=`` that cursor pagination can page through.

    Cursor pagination positions on the first ordering field and pages through ties by
    offset; a trailing ``id`` in the same direction makes the order of ties, and so the
    pages, deterministic. ``CursorPagination.get_ordering`` asks this filter, so the list
    and the pages agree. Views may name extra unique fields in ``unique_ordering_fields``.
    """

    def get_ordering(
        self, request: Request, queryset: QuerySet[Any], view: APIView
    ) -> Sequence[str] | None:
        ordering = super().get_ordering(request, queryset, view)
        if not ordering:
            return ordering
        unique = UNIQUE_FIELDS | set(getattr(view, "unique_ordering_fields", ()))
        if any(field.lstrip("-") in unique for field in ordering):
            return list(ordering)
        tie_breaker = "-id" if ordering[0].startswith("-") else "id"
        return [*ordering, tie_breaker]

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        fields = getattr(view, "ordering_fields", None)
        if not isinstance(fields, list | tuple):
            return parameters
        choices = ", ".join(f"`{name}`" for field in fields for name in (field, "-" + field))
        return [
            {
                **parameter,
                "description": f"Sort by {choices}; several comma-separated. "
                "Ties are broken by id.",
            }
            for parameter in parameters
        ]


class IdFilter(django_filters.Filter):
    """A related record by id (``?service=3``). An id that matches nothing filters to an
    empty list, as any other value that matches nothing does; ``ModelChoiceFilter`` would
    read the record first and answer 400 for an id it cannot find."""

    field_class = forms.IntegerField
