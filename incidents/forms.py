"""Forms asking for exactly one move's inputs (``Move.inputs`` in ``incidents.models``),
plus the team picker of the "Assign to group" bulk action. Field names are the move's
input names, so ``cleaned_data`` goes straight to ``incident_move(..., **cleaned_data)``.
"""

from django import forms

from catalog.models import Team
from incidents.models import HoldReason, ResolutionCode
from kernel.admin.move_forms import team

_TEXT = forms.Textarea(attrs={"rows": 4})


def _note() -> forms.CharField:
    return forms.CharField(required=False, widget=_TEXT, help_text="Optional.")


class AcknowledgeForm(forms.Form):
    """Acknowledging asks nothing: the page only confirms the click."""


class NoteForm(forms.Form):
    note = _note()


class HoldForm(forms.Form):
    hold_reason = forms.ChoiceField(label="Waiting for", choices=HoldReason.choices)
    note = _note()


class ResolveForm(forms.Form):
    resolution_code = forms.ChoiceField(choices=ResolutionCode.choices)
    resolution_notes = forms.CharField(widget=_TEXT)


class ReasonForm(forms.Form):
    reason = forms.CharField(widget=_TEXT)


class EscalateGroupForm(forms.Form):
    assignment_group = team("To group", "The group that takes the incident over.")(True)
    reason = forms.CharField(widget=_TEXT, help_text="Why this group: its members read it.")


class EscalateManagerForm(forms.Form):
    reason = forms.CharField(widget=_TEXT, help_text="What the manager should know or do.")


MOVE_FORMS: dict[str, type[forms.Form]] = {
    "acknowledge": AcknowledgeForm,
    "hold": HoldForm,
    "resume": NoteForm,
    "resolve": ResolveForm,
    "reopen": ReasonForm,
    "confirm": NoteForm,
    "close": NoteForm,
    "cancel": ReasonForm,
    "escalate_group": EscalateGroupForm,
    "escalate_manager": EscalateManagerForm,
}


class AssignGroupForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True), label="Assignment group"
    )
