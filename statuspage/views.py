"""The public status page. Placeholder until the status page lands."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def status(request: HttpRequest) -> HttpResponse:
    return render(request, "public/base.html", {})
