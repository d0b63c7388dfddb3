"""The change admin's forms: approval decisions,
and the pickers of the "caused by change" / "fixed by change" actions."""

from django import forms

from changes.models import Change, Status


class DecisionForm(forms.Form):
    comment = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text="Required to reject."
    )


class PickChangeForm(forms.Form):
    change = forms.ModelChoiceField(
        queryset=Change.objects.exclude(status=Status.CANCELED).order_by("-created_at"),
        help_text="Newest first.",
    )
