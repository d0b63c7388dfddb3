"""The problem admin's forms: the pickers of the incident actions "link to problem"."""

from django import forms

from problems.models import Problem, Status


class PickProblemForm(forms.Form):
    problem = forms.ModelChoiceField(
        queryset=Problem.objects.exclude(status=Status.CLOSED).order_by("-created_at"),
        help_text="Open problems, newest first.",
    )
