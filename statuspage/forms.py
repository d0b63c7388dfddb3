"""The status page's forms: subscribing (public) and posting an update (admin)."""

from typing import Any

from django import forms

from catalog.models import Service
from statuspage.enums import Impact, Phase
from statuspage.workflow import BODY_MAX, TITLE_MAX


class SubscribeForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    services = forms.ModelMultipleChoiceField(
        queryset=Service.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Services",
        help_text="Leave all unticked to hear about every service.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Set per form, not at import: the list of public services changes.
        field = self.fields["services"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = Service.objects.filter(is_public=True, is_active=True).order_by("name")


class StatusUpdateForm(forms.Form):
    title = forms.CharField(
        max_length=TITLE_MAX,
        required=False,
        label="Public title",
        help_text="What the public sees; required on the first update. Never the internal title.",
    )
    phase = forms.ChoiceField(choices=Phase.choices, initial=Phase.INVESTIGATING)
    impact = forms.ChoiceField(
        choices=[("", "Unchanged (first update: from the severity/priority)"), *Impact.choices],
        required=False,
    )
    body = forms.CharField(
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        label="Update",
        help_text="Plain text, for the public and the subscribers: no internal details.",
    )
