"""The problem admin's forms: one per move (from the move table), and the pickers of the
incident actions "link to problem"."""

from django import forms

from kernel.admin.move_forms import build_move_forms, text
from problems.models import MOVES, Problem, Status

MOVE_FORMS = build_move_forms(
    MOVES,
    {
        "workaround": text,
        "root_cause": text,
        "fix_notes": text,
        "duplicate_of": lambda required: forms.CharField(
            required=required, max_length=20, help_text="The number of the problem kept open."
        ),
    },
)


class PickProblemForm(forms.Form):
    problem = forms.ModelChoiceField(
        queryset=Problem.objects.exclude(status=Status.CLOSED).order_by("-created_at"),
        help_text="Open problems, newest first.",
    )
