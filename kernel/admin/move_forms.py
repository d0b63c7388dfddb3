"""Admin forms asking for exactly one move's inputs, built from the move table: field
names are the move's input names, so ``cleaned_data`` goes straight to the workflow."""

from collections.abc import Callable, Mapping

from django import forms

from catalog.models import Team
from kernel.transitions import MoveTable

type FormField = Callable[[bool], forms.Field]

TEXT = forms.Textarea(attrs={"rows": 4})


def text(required: bool) -> forms.Field:
    return forms.CharField(
        required=required, widget=TEXT, help_text="" if required else "Optional."
    )


def choice(choices: list[tuple[str, str]], label: str = "") -> FormField:
    def make(required: bool) -> forms.Field:
        return forms.ChoiceField(choices=choices, required=required, label=label or None)

    return make


def team(label: str = "", help_text: str = "") -> FormField:
    """A picker of active teams; ``cleaned_data`` holds the ``Team``."""

    def make(required: bool) -> forms.Field:
        return forms.ModelChoiceField(
            queryset=Team.objects.filter(is_active=True),
            required=required,
            label=label or None,
            help_text=help_text,
        )

    return make


COMMON: dict[str, FormField] = {"note": text, "reason": text}


def build_move_forms(
    table: MoveTable, fields: Mapping[str, FormField]
) -> dict[str, type[forms.Form]]:
    """One form class per move; a move naming an input missing here fails at import."""
    every = {**COMMON, **fields}
    return {
        move.name: type(
            f"{move.name.title().replace('_', '')}Form",
            (forms.Form,),
            {name: every[name](name in move.required) for name in move.inputs},
        )
        for move in table
    }
