"""Admin forms asking for exactly one move's inputs, built from the move's function
signature (``kernel.moves``): field names are the input names, so ``cleaned_data`` goes
straight to the workflow."""

from typing import Any

from django import forms

from catalog.models import Team
from kernel.moves import Choice, Input, TeamRef, TicketWorkflow


def form_field(spec: Input) -> forms.Field:
    kind = spec.kind
    label = kind.label or None
    help_text = kind.help if spec.required else f"{kind.help} Optional.".strip()
    if isinstance(kind, Choice):
        return forms.ChoiceField(
            choices=kind.choices.choices, required=spec.required, label=label, help_text=help_text
        )
    if isinstance(kind, TeamRef):
        # ``cleaned_data`` holds the ``Team``.
        return forms.ModelChoiceField(
            queryset=Team.objects.filter(is_active=True),
            required=spec.required,
            label=label,
            help_text=help_text,
        )
    widget = forms.TextInput() if kind.lines == 1 else forms.Textarea(attrs={"rows": kind.lines})
    return forms.CharField(
        required=spec.required,
        widget=widget,
        label=label,
        help_text=help_text,
        max_length=kind.max_length,
    )


def build_move_forms(workflow: TicketWorkflow[Any]) -> dict[str, type[forms.Form]]:
    """One form class per move of the workflow's ticket type."""
    return {
        move.name: type(
            f"{move.name.title().replace('_', '')}Form",
            (forms.Form,),
            {spec.name: form_field(spec) for spec in workflow.inputs(move.name)},
        )
        for move in workflow.model.moves
    }
