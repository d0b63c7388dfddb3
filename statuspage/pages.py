"""Rendering a status page: every template gets the page's name (a setting)."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def render_page(
    request: HttpRequest, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> HttpResponse:
    context = {"page_name": settings.STATUS_PAGE_NAME, **(context or {})}
    return render(request, template, context, status=status)
