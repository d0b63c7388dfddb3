"""The forms of the major-incident panels on the incident's change form and of the
"link to a major incident" bulk action. They parse input only; the workflow decides."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone

from incidents.milestones import MILESTONES
from incidents.models import OPEN_STATES, Incident, Role
from statuspage.enums import Phase
from statuspage.workflow import BODY_MAX, TITLE_MAX

WHEN = forms.DateTimeInput(attrs={"type": "datetime-local", "step": "1"})


class ZonedForm(forms.Form):
    """Times typed in are in the desk's time zone (``TIME_ZONE``): their labels say which."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        zone = timezone.get_current_timezone_name()
        for field in self.fields.values():
            if isinstance(field, forms.DateTimeField):
                field.label = f"{field.label} ({zone})"


def _agents() -> Any:
    return get_user_model().objects.filter(is_active=True, is_staff=True).order_by("username")


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices)
    user = forms.ModelChoiceField(queryset=_agents(), label="Person")
    reason = forms.CharField(required=False, max_length=500)


class UpdateForm(ZonedForm):
    audience = forms.TypedChoiceField(
        label="To",
        choices=[("0", "Stakeholders and watchers (internal)"), ("1", "The status page (public)")],
        coerce=lambda value: value == "1",
        initial="0",
    )
    body = forms.CharField(
        label="Update", max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    phase = forms.ChoiceField(
        choices=[("", "Current phase"), *Phase.choices], required=False, label="Public phase"
    )
    title = forms.CharField(
        required=False, max_length=TITLE_MAX, label="Public title", help_text="First public one."
    )
    next_update_due = forms.DateTimeField(
        required=False,
        widget=WHEN,
        label="Next update due",
        help_text="Empty: the severity's cadence from now.",
    )


class MilestoneForm(ZonedForm):
    milestone = forms.ChoiceField(
        choices=[(name, name.replace("_", " ").capitalize()) for name in MILESTONES]
    )
    at = forms.DateTimeField(widget=WHEN, label="At")
    reason = forms.CharField(max_length=500)


class ScribeForm(ZonedForm):
    at = forms.DateTimeField(widget=WHEN, label="At")
    body = forms.CharField(
        label="What happened", max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )


class StarForm(forms.Form):
    key = forms.CharField(max_length=64)
    starred = forms.TypedChoiceField(
        choices=[("1", "Star"), ("0", "Unstar")], coerce=lambda value: value == "1"
    )


class PickMajorForm(forms.Form):
    parent = forms.ModelChoiceField(
        queryset=Incident.objects.none(),
        label="Major incident",
        help_text="The open major incident these incidents report the same outage as.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Incident.objects.filter(  # type: ignore[attr-defined]
            major_since__isnull=False, status__in=OPEN_STATES
        ).order_by("-major_since")
