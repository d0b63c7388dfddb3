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
from django.db.models import Field as ModelField

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


class TimeZoneField(forms.ChoiceField):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("max_length", None)
        kwargs.pop("empty_value", None)
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
        return None if minutes is None else timedelta(minutes=minutes)

    def has_changed(self, initial: Any, data: Any) -> bool:
        try:
            return self.prepare_value(initial) != self.to_python(data)
        except forms.ValidationError:
            return True


class OrderedAutocomplete(AutocompleteSelectMultiple):
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
    """Users' ids in the order picked, without repeats."""

    def __init__(self, field: "ModelField[Any, Any]", admin_site: Any, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", OrderedAutocomplete(field, admin_site))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[int]:  # type: ignore[override]
        super().clean(value)  # refuses ids that are not among the choices
        return [int(pk) for pk in dict.fromkeys(value or [])]

    def has_changed(self, initial: Any, data: Any) -> bool:
        return [str(pk) for pk in initial or []] != [str(pk) for pk in data or []]
