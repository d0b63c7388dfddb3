"""The two ways to fill a calendar's holidays from outside, as admin forms: upload an
iCalendar file, or generate by country. They check the input's shape only; reading the
file and knowing the countries is ``sla.holidays``'s, whose refusals the admin view puts
back on the form."""

from datetime import date
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile

from sla.holidays import MAX_ICAL_BYTES, MAX_YEARS


def _this_year() -> int:
    return date.today().year  # noqa: DTZ011 - a default for a form field, a year either way


class YearsForm(forms.Form):
    first_year = forms.IntegerField(min_value=1970, max_value=2200, initial=_this_year)
    last_year = forms.IntegerField(
        min_value=1970,
        max_value=2200,
        initial=lambda: _this_year() + 2,
        help_text=f"At most {MAX_YEARS} years at a time.",
    )

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        first, last = cleaned.get("first_year"), cleaned.get("last_year")
        if first is not None and last is not None:
            if last < first:
                self.add_error("last_year", "The last year comes before the first.")
            elif last - first >= MAX_YEARS:
                self.add_error("last_year", f"At most {MAX_YEARS} years at a time.")
        return cleaned

    @property
    def years(self) -> range:
        return range(self.cleaned_data["first_year"], self.cleaned_data["last_year"] + 1)


class IcalImportForm(YearsForm):
    file = forms.FileField(
        label="iCalendar file",
        help_text="An .ics file of at most 1 MB. All-day events become holidays (every day "
        "of a multi-day event; yearly recurring events for the years below); events with "
        "a time of day are skipped.",
    )
    field_order = ["file", "first_year", "last_year"]

    def clean_file(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["file"]
        # Refused before reading it: the upload handler has it on disk or in memory, never
        # in our hands beyond this limit.
        if (upload.size or 0) > MAX_ICAL_BYTES:
            raise forms.ValidationError("The file is larger than 1 MB.")
        return upload


class GenerateForm(YearsForm):
    country = forms.CharField(
        max_length=3,
        help_text="ISO 3166 country code, such as DE, US or GB.",
    )
    subdivision = forms.CharField(
        max_length=10,
        required=False,
        help_text="Optional: a state or region code, such as BY for Bavaria or CA for "
        "California. Without one, only the nationwide holidays.",
    )
    field_order = ["country", "subdivision", "first_year", "last_year"]
