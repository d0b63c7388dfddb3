"""The console's forms for setting on-call up: pickers and checkboxes where the models
keep JSON, minutes where they keep durations, a rotation's members in turn order."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.models import agents_q
from incidents.models import Severity
from kernel.admin.fields import (
    ChoiceListField,
    MinutesField,
    OrderedUsersField,
    TimeZoneField,
    tell_labels,
)
from kernel.enums import Priority
from oncall.configuration import MAX_DELAY_MINUTES, rotation_set_members
from oncall.models import EscalationLevel, EscalationPolicy, Rotation, RotationMember, Schedule


class ScheduleForm(forms.ModelForm):
    time_zone = TimeZoneField(
        initial="UTC",
        help_text="Hand-offs, overrides and the shifts below are in this zone's wall-clock "
        "time, across DST changes.",
    )

    class Meta:
        model = Schedule
        fields = ("team", "name", "time_zone")


class RotationForm(forms.ModelForm):
    """A rotation with its members picked in turn order (the first takes the first
    shift); saving replaces the old order (``oncall.configuration``)."""

    members = OrderedUsersField(
        RotationMember._meta.get_field("user"),
        admin.site,
        queryset=get_user_model().objects.filter(agents_q()),
        help_text="In turn order: the first takes the first shift. Pick in order; remove "
        "and pick again to move someone.",
    )

    class Meta:
        model = Rotation
        fields = ("period", "handoff_time", "starts_on", "members")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            members = list(self.instance.members.all())  # prefetched with their users
            self.initial["members"] = [m.user_id for m in members]
            tell_labels(self.fields["members"].widget, [m.user for m in members])

    def _save_m2m(self) -> None:
        super()._save_m2m()  # type: ignore[misc]
        if "members" in self.changed_data:
            rotation_set_members(self.instance, self.cleaned_data.get("members") or [])


class EscalationPolicyForm(forms.ModelForm):
    page_priorities = ChoiceListField(
        choices=Priority.choices, coerce=int, help_text="Incidents of these priorities page."
    )
    page_severities = ChoiceListField(
        choices=Severity.choices, coerce=int, help_text="...and of these severities."
    )

    class Meta:
        model = EscalationPolicy
        fields = (
            "name",
            "team",
            "services",
            "page_priorities",
            "page_severities",
            "repeat",
            "is_active",
        )


class EscalationLevelForm(forms.ModelForm):
    delay = MinutesField(
        label="wait (minutes)",
        initial=15,
        # The floor is the model's (delay_refusal, ESCALATION_MIN_DELAY_SECONDS).
        max_value=MAX_DELAY_MINUTES,
        help_text="For an acknowledgement before the next level is paged.",
    )

    class Meta:
        model = EscalationLevel
        fields = ("schedule", "user", "team_manager", "delay")
