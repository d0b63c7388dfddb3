"""The portal's forms. They only parse and check what the user typed; the views hand the
result to ``incidents.workflow`` and ``incidents.attachments``."""

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile

from accounts.models import User
from incidents.attachments import ALLOWED_TEXT, check_uploads
from kernel.errors import MoveInvalid

NULL_MESSAGE = (
    "This text contains a null character (\\0), which cannot be stored. Remove it and try again."
)
_TEXT_ERRORS = {"null_characters_not_allowed": NULL_MESSAGE}

# Plain words for ITIL's impact and urgency (1 High, 2 Medium, 3 Low). Impact is how
# widely it hurts. Urgency: a caller with a workaround still gets Medium (2), not Low,
# so that "just me, with a workaround" lands at P4 Low, and a one-person outage
# ("just me, cannot work") at P3 Moderate: never at P5 Planning, which means "planned".
WHO_AFFECTED = {"me": 3, "team": 2, "everyone": 1}
CAN_WORK = {"workaround": 2, "no": 1}
_PHONE = re.compile(r"^\+?[0-9][0-9 ()./-]{3,38}$")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one ``<input type=file multiple>``; checked as a batch by
    ``incidents.attachments.check_uploads`` so the messages name each refused file."""

    widget = MultipleFileInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        files = [f for f in (data if isinstance(data, list | tuple) else [data]) if f]
        try:
            check_uploads(files, already=getattr(self, "already", 0))
        except MoveInvalid as exc:
            raise ValidationError(exc.errors["files"]) from exc
        return files


def files_field() -> MultipleFileField:
    return MultipleFileField(
        label="Attachments (optional)",
        help_text=f"Screenshots, PDFs or logs: {ALLOWED_TEXT}. You can choose several files.",
    )


class ReportForm(forms.Form):
    title = forms.CharField(
        label="What is broken?",
        max_length=200,
        help_text="A short summary, e.g. “Cannot send email from Outlook”.",
        error_messages={**_TEXT_ERRORS, "required": "Say in a few words what is broken."},
    )
    description = forms.CharField(
        label="What happened?",
        required=False,
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="What you did, what you expected, what you saw instead (error messages).",
        error_messages=_TEXT_ERRORS,
    )
    who = forms.ChoiceField(
        label="Who is affected?",
        choices=[("me", "Just me"), ("team", "My team"), ("everyone", "Everyone")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say who is affected."},
    )
    can_work = forms.ChoiceField(
        label="Can you work?",
        choices=[("workaround", "Yes, with a workaround"), ("no", "No")],
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether you can work."},
    )
    files = files_field()  # type: ignore[assignment]  # a field; the metaclass pops it
    contact_by = forms.ChoiceField(
        label="How should we contact you?",
        choices=[("email", "By email"), ("phone", "By phone")],
        widget=forms.RadioSelect,
        initial="email",
    )
    phone = forms.CharField(
        label="Phone number",
        required=False,
        max_length=40,
        help_text="Only if you want a call, e.g. +44 20 7946 0000.",
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages=_TEXT_ERRORS,
    )

    def __init__(self, *args: Any, user: User, people: list[User], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.people = {str(person.pk): person for person in people}
        if people:
            # Only for reporters a manager let report for others (accounts.ReportingGrant).
            self.fields["caller"] = forms.ChoiceField(
                label="Reporting for",
                choices=[
                    ("me", f"Me ({user})"),
                    *((key, str(p)) for key, p in self.people.items()),
                ],
                initial="me",
                widget=forms.RadioSelect,
            )
            self.order_fields(["caller"])

    def clean_phone(self) -> str:
        phone: str = self.cleaned_data.get("phone", "").strip()
        if phone and not _PHONE.match(phone):
            raise ValidationError("Use digits, spaces, +, -, ( and ) only.")
        return phone

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        if cleaned.get("contact_by") == "phone" and not cleaned.get("phone"):
            self.add_error("phone", "Give the number to call, or choose email.")
        return cleaned

    def chosen_caller(self) -> User:
        choice = self.cleaned_data.get("caller", "me")
        return self.user if choice == "me" else self.people[choice]

    def contact_words(self) -> str:
        """The incident's ``contact`` field, in words an agent reads."""
        caller = self.chosen_caller()
        if self.cleaned_data["contact_by"] == "phone":
            return f"By phone: {self.cleaned_data['phone']}"[:200]
        return f"By email: {caller.email or self.user.email or 'no address on file'}"[:200]

    def incident_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "description": data["description"],
            "impact": WHO_AFFECTED[data["who"]],
            "urgency": CAN_WORK[data["can_work"]],
            "caller": self.chosen_caller(),
            "contact": self.contact_words(),
        }


class ReplyForm(forms.Form):
    body = forms.CharField(
        label="Your reply",
        max_length=50_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=_TEXT_ERRORS,
    )
    files = files_field()  # type: ignore[assignment]  # a field; the metaclass pops it
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, already: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["files"].already = already  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        empty = not (cleaned.get("body") or "").strip() and not cleaned.get("files")
        if empty and "body" not in self.errors and "files" not in self.errors:
            self.add_error("body", "Write something, or add a file.")
        return cleaned


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label="What is still wrong?",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={**_TEXT_ERRORS, "required": "Tell us what is still wrong."},
    )
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ConfirmForm(forms.Form):
    seen = forms.IntegerField(widget=forms.HiddenInput, required=False)
