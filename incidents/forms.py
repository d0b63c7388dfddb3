"""The team picker of the incident list's "Assign to group" bulk action. (Move forms are
built from the move functions: ``kernel.admin.move_forms``.)"""

from django import forms

from catalog.models import Team


class AssignGroupForm(forms.Form):
    team = forms.ModelChoiceField(
        queryset=Team.objects.filter(is_active=True), label="Assignment group"
    )
