"""The admin's search page (``/admin/search/?q=``), behind the header's search box: an
exact number opens the record, anything else lists the ranked groups of
``kernel.search``. Agents see work notes matched; the rule is the API's."""

from dataclasses import dataclass

from django.contrib import admin
from django.db.models import Model
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode

from accounts.models import User
from kernel.search import Group, Hit, search, searchables


@dataclass(frozen=True)
class ShownGroup:
    group: Group
    rows: list[tuple[Hit, str]]
    more_url: str
    """The type's own list searched for the same words (its filters apply there)."""


def change_url(model: type[Model] | None, pk: int) -> str:
    if model is None:
        return ""
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[pk])
    except NoReverseMatch:
        return ""


def changelist_url(model: type[Model], term: str) -> str:
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return ""
    return f"{url}?{urlencode({'q': term})}"


def search_page(request: HttpRequest) -> HttpResponse:
    user = request.user
    assert isinstance(user, User)  # admin_view lets only active staff in
    term = request.GET.get("q", "")
    results = search(term, user=user)
    if results.jump is not None:
        url = change_url(results.jump.model, results.jump.pk)
        if url:
            return HttpResponseRedirect(url)
    models = {searchable.kind: searchable.model for searchable in searchables()}
    shown = [
        ShownGroup(
            group,
            [(hit, change_url(hit.model, hit.pk)) for hit in group.hits],
            changelist_url(models[group.kind], results.term),
        )
        for group in results.groups
        if group.hits
    ]
    context = {
        **admin.site.each_context(request),
        "title": f"Search: {results.term}" if results.term else "Search",
        "term": results.term,
        "groups": shown,
        "searched": bool(results.term),
    }
    return TemplateResponse(request, "admin/search.html", context)
