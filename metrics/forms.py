"""The filters every metric takes, as one form: the API reads it from the query string
(``metrics.api``) and the reports page shows it (``metrics.admin``). ``scope()`` turns
its cleaned values into a ``metrics.scope.Scope``."""

from datetime import UTC, datetime, timedelta
from typing import Any

from django import forms
from django.db.models import Model, QuerySet
from django.utils import timezone

from catalog.models import Category, Service, Team
from incidents.models import Severity
from kernel.api.filters import StorableValuesForm
from kernel.api.values import refusal
from kernel.enums import Priority
from metrics.scope import DEFAULT_DAYS, Scope

MAX_DAYS = 3660
"""The longest period (ten years): a trend has one point per week."""
EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


class IdsField(forms.ModelMultipleChoiceField):
    """Ids of existing records; one the database could not even compare (beyond bigint)
    is refused like any unknown id, before a query carries it."""

    def _check_values(self, value: Any) -> QuerySet[Any]:
        for pk in value:
            try:
                number = int(pk)
            except (TypeError, ValueError):
                continue  # the parent's own message
            if refusal(number) is not None or number < 1:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": pk},
                )
        return super()._check_values(value)  # type: ignore[misc]

    def label_from_instance(self, obj: Model) -> str:
        return str(obj)


class ScopeFields(StorableValuesForm):
    service = IdsField(Service.objects.order_by("name"), required=False, help_text="Service ids.")
    team = IdsField(
        Team.objects.order_by("name"), required=False, help_text="Assignment group ids."
    )
    priority = forms.TypedMultipleChoiceField(
        choices=[(p.value, p.label) for p in Priority], coerce=int, required=False
    )
    severity = forms.TypedMultipleChoiceField(
        choices=[(s.value, s.label) for s in Severity], coerce=int, required=False
    )
    category = IdsField(
        Category.objects.select_related("parent").order_by("parent__name", "name"),
        required=False,
        help_text="Category ids (a subcategory is a category of its own).",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        for name, value in (("from", start), ("to", end)):
            if value is not None and not EARLIEST <= value < LATEST:
                self.add_error(name, "Give a time between 1970 and 9000.")
                return cleaned
        if start is not None and end is not None:
            if end <= start:
                self.add_error("to", "The period ends after it starts.")
            elif end - start > timedelta(days=MAX_DAYS):
                self.add_error("to", f"A period is at most {MAX_DAYS} days.")
        return cleaned

    def scope(self) -> Scope:
        """The scope of a valid form: the period defaults to the last 90 days up to ``to``
        (or now), and ``to`` to 90 days after ``from`` (but at most now, if ``from`` is
        in the past)."""
        data, now = self.cleaned_data, timezone.now()
        start, end = data.get("from"), data.get("to")
        if end is None:
            later = None if start is None else start + timedelta(days=DEFAULT_DAYS)
            end = now if start is None or later is None or start < now < later else later
        if start is None:
            start = end - timedelta(days=DEFAULT_DAYS)
        return Scope(
            start=start,
            end=end,
            now=now,
            services=_ids(data.get("service")),
            teams=_ids(data.get("team")),
            priorities=tuple(data.get("priority") or ()),
            severities=tuple(data.get("severity") or ()),
            categories=_ids(data.get("category")),
        )


def _ids(records: Any) -> tuple[int, ...]:
    return tuple(sorted(record.pk for record in records)) if records else ()


# "from" is a keyword: the two period fields are added by name.
ScopeForm: type[ScopeFields] = forms.forms.DeclarativeFieldsMetaclass(  # type: ignore[assignment]
    "ScopeForm",
    (ScopeFields,),
    {
        "from": forms.DateTimeField(required=False, help_text="Start of the period."),
        "to": forms.DateTimeField(required=False, help_text="End of the period (excluded)."),
    },
)
