"""Form fields the console uses where a model stores something people should pick, not
type: a list of choices kept in a JSON field (checkboxes), a time zone (a grouped list of
the zone database's names), a wait in minutes (kept as a duration), and users in an order
that matters (an autocomplete that keeps the order they were picked in)."""

from collections import defaultdict
from datetime import timedelta
from functools import cache
from typing import Any

from django import forms
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Field as ModelField
from django.forms.models import BaseInlineFormSet

from accounts.admin_pickers import KnownLabels, tell_labels
from kernel.zones import known_time_zones


class ChoiceListField(forms.TypedMultipleChoiceField):
    """A JSON list of choices (``[1, 2]``) as checkboxes; saved in the choices' order."""

    def __init__(self, *, choices: list[tuple[Any, str]], coerce: Any = str, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(choices=choices, coerce=coerce, **kwargs)
        self.keys = [coerce(key) for key, _ in choices]

    def prepare_value(self, value: Any) -> Any:
        return [str(item) for item in value] if isinstance(value, list | tuple) else value

    def clean(self, value: Any) -> list[Any]:
        chosen = set(super().clean(value))
        return [key for key in self.keys if key in chosen]


@cache
def time_zone_choices() -> list[tuple[str, Any]]:
    """UTC first, then the zones grouped by region (``Europe``: Berlin, Paris...)."""
    regions: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name in sorted(known_time_zones()):
        region, _, city = name.partition("/")
        if city and not name.startswith(("Etc/", "SystemV/", "US/")) and region.istitle():
            # "Paris (Europe)": typing a city's first letters finds it, and the closed
            # picker still says where.
            regions[region].append((name, f"{city.replace('_', ' ')} ({region})"))
    return [("UTC", "UTC"), *sorted(regions.items())]


class ZoneSelect(forms.Select):
    """The zone list, plus the zone stored if the list leaves it out (an alias such as
    US/Eastern kept from before the picker): shown chosen, not silently the first zone."""

    def get_context(self, name: str, value: Any, attrs: Any) -> dict[str, Any]:
        stored = str(value) if value not in (None, "") else ""
        listed = {key for _, zones in time_zone_choices()[1:] for key, _ in zones}
        if stored in known_time_zones() and stored != "UTC" and stored not in listed:
            self.choices = [(stored, stored), *time_zone_choices()]
        return super().get_context(name, value, attrs)


class TimeZoneField(forms.ChoiceField):
    """A zone picked from the list; one typed by hand (a crafted post) that the zone
    database does not know is refused in ``validate_time_zone``'s words."""

    default_error_messages = {
        "invalid_choice": "%(value)s is not an IANA time zone (such as Europe/Berlin): "
        "pick one from the list."
    }

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
        kwargs.setdefault("widget", ZoneSelect)
        super().__init__(choices=time_zone_choices, **kwargs)

    def valid_value(self, value: str) -> bool:
        # A zone stored before the picker (an alias such as US/Eastern) stays valid.
        return value in known_time_zones()


class MinutesField(forms.IntegerField):
    """A wait typed in whole minutes (``15``, never ``00:15:00``), kept as a duration."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.setdefault("widget", forms.NumberInput(attrs={"step": 1, "class": "vIntegerField"}))
        super().__init__(**kwargs)

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, timedelta):
            minutes = value.total_seconds() / 60
            return int(minutes) if minutes == int(minutes) else round(minutes, 2)
        return value

    def clean(self, value: Any) -> timedelta | None:
        minutes = super().clean(value)
        try:
            return None if minutes is None else timedelta(minutes=minutes)
        except OverflowError:  # beyond what a duration holds (a typo of many digits)
            raise forms.ValidationError("Enter a number of minutes.", code="invalid") from None

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.prepare_value(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class KnownLabelsFormSet(BaseInlineFormSet):
    """Rows whose foreign keys were fetched with them (``select_related``) tell their
    pickers (``accounts.admin_pickers``) the chosen object: no query per row."""

    def _construct_form(self, i: int, **kwargs: Any) -> Any:
        form = super()._construct_form(i, **kwargs)  # type: ignore[misc]
        instance = form.instance
        for name, field in form.fields.items():
            try:
                model_field = instance._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            if model_field.many_to_one and model_field.is_cached(instance):
                related = getattr(instance, name)
                tell_labels(field.widget, [related] if related is not None else [])
        return form


class OrderedAutocomplete(KnownLabels, AutocompleteSelectMultiple):
    """The admin's autocomplete showing the chosen options in the order given (Django's
    shows them in the model's order). Picking adds at the end; the form posts in order."""

    def optgroups(self, name: str, value: Any, attr: Any = None) -> Any:
        groups = super().optgroups(name, value, attr)
        order = {str(item): index for index, item in enumerate(value)}
        options = groups[0][1]
        options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        for index, option in enumerate(options):
            option["index"] = str(index)
        return groups


class OrderedUsersField(forms.ModelMultipleChoiceField):
    """Users' ids in the order picked, repeats kept: whether one may come twice is the
    owning form's rule to tell (the picker itself offers each once)."""

    def __init__(self, field: "ModelField[Any, Any]", admin_site: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", OrderedAutocomplete(field, admin_site))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]
        super().clean(value)  # refuses ids that are not among the choices
        return [int(pk) for pk in value or []]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return [str(pk) for pk in initial or []] != [str(pk) for pk in data or []]
