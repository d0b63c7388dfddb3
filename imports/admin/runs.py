"""The log of imports: every run with what it was asked and what it did. Read-only: a run
is made by ``import_incidents``, never by hand."""

import json
from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from imports.models import ImportRun


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ("started_at", "format", "status", "dry_run", "created", "rejected", "by")
    list_filter = ("status", "format", "dry_run")
    list_select_related = ("by",)
    date_hierarchy = "started_at"
    fields = (
        "format", "paths", "options", "dry_run", "status", "started_at", "finished_at", "by",
        "error", "figures",
    )  # fmt: skip
    readonly_fields = fields

    @admin.display(description="created")
    def created(self, run: ImportRun) -> int:
        return int(run.summary.get("created", 0))

    @admin.display(description="rejected rows")
    def rejected(self, run: ImportRun) -> int:
        return int(run.summary.get("rejected_rows", 0))

    @admin.display(description="summary")
    def figures(self, run: ImportRun) -> str:
        return format_html("<pre>{}</pre>", json.dumps(run.summary, indent=2, ensure_ascii=False))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
