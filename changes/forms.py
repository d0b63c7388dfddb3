"""The change admin's forms: one per move (from the move table), approval decisions,
and the pickers of the "caused by change" / "fixed by change" actions."""

from django import forms

from changes.models import MOVES, Change, CloseCode, Status
from kernel.admin.move_forms import build_move_forms, choice, text

MOVE_FORMS = build_move_forms(
    MOVES,
    {
        "override_reason": lambda required: forms.CharField(
            required=required,
            widget=forms.Textarea(attrs={"rows": 3}),
            help_text="Managers only, and only on a conflict: why schedule anyway.",
        ),
        "close_code": choice(CloseCode.choices),
        "close_notes": text,
    },
)


class DecisionForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required to reject."
    )


class PickChangeForm(forms.Form):
    change = forms.ModelChoiceField(
        queryset=Change.objects.exclude(status=Status.CANCELED).order_by("-created_at"),
        help_text="Newest first.",
    )
