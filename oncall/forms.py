"""The console's forms for setting on-call up: pickers and checkboxes where the models
keep JSON, minutes where they keep durations, a rotation's members in turn order."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model

from accounts.admin_pickers import tell_labels
from accounts.models import User, agents_q
from incidents.models import Severity
from kernel.admin.fields import (
    ChoiceListField,
    MinutesField,
    OrderedUsersField,
    TimeZoneField,
)
from kernel.admin.pages import attach_errors
from kernel.enums import Priority
from kernel.errors import WorkflowError
from oncall.configuration import (
    MAX_DELAY_MINUTES,
    members_refusal,
    override_check,
    rotation_set_members,
)
from oncall.models import (
    EscalationLevel,
    EscalationPolicy,
    Override,
    Rotation,
    RotationMember,
    Schedule,
)


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

    def clean_members(self) -> list[int]:
        members: list[int] = self.cleaned_data.get("members") or []
        if "members" not in self.changed_data:
            # As they were: a rota laid with a repeat before the rule does not block
            # saving the page for something else (it is judged once someone edits it).
            return members
        refusal = members_refusal(members)  # the API's rule too
        if refusal:
            raise forms.ValidationError(refusal, code="repeated")
        return members

    def _save_m2m(self) -> None:
        super()._save_m2m()  # type: ignore[misc]
        if "members" in self.changed_data:
            rotation_set_members(self.instance, self.cleaned_data.get("members") or [])


class OverrideForm(forms.ModelForm):
    """An override row on its schedule's page, checked as ``by`` lays it: who may add it
    and who may cover are ``oncall.configuration``'s rules, shown beside the fields."""

    class Meta:
        model = Override
        fields = ("user", "starts_at", "ends_at", "reason")

    def __init__(self, *args: Any, by: User | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.by = by

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        if self.errors or self.by is None or not self.has_changed():
            # A field already refused (the rules need the whole row), or a row left as it
            # was: saving the schedule's name does not re-judge last month's overrides.
            return
        if self.instance.schedule.team_id is None:
            # A new schedule whose team is not picked yet: its own form says so, and the
            # rows are judged once it names one.
            return
        try:
            override_check(self.instance, by=self.by)
        except WorkflowError as refusal:
            attach_errors(self, refusal)


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
