"""The "action items" list of the console: every follow-up of every review, filtered by
owner, the owner's team, overdue and postmortem; adding, editing and moving them goes
through ``postmortems.action_items``."""

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from catalog.models import Team
from kernel.admin.actions import ask
from kernel.admin.pages import acting_user, attach_errors
from kernel.errors import WorkflowError
from postmortems.action_items import (
    action_item_create,
    action_item_move,
    action_item_update,
    overdue,
)
from postmortems.models import ActionItem, ItemState
from postmortems.problem_links import problem_open_for_item

_REFUSAL = "_action_item_refusal"


class OverdueFilter(admin.SimpleListFilter):
    title = "overdue"
    parameter_name = "overdue"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("yes", "Overdue"), ("no", "Not overdue")]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ActionItem]
    ) -> QuerySet[ActionItem]:
        late = overdue(timezone.localdate()).values("pk")
        if self.value() == "yes":
            return queryset.filter(pk__in=late)
        if self.value() == "no":
            return queryset.exclude(pk__in=late)
        return queryset


class TeamFilter(admin.SimpleListFilter):
    """Items whose owner is in the team."""

    title = "owner's team"
    parameter_name = "team"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [
            (str(pk), name)
            for pk, name in Team.objects.filter(is_active=True).values_list("pk", "name")
        ]

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[ActionItem]
    ) -> QuerySet[ActionItem]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(owner__teams=int(value))
        return queryset


class WontDoForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), help_text="Why not.")


def _move_each(
    modeladmin: Any,
    request: HttpRequest,
    queryset: QuerySet[ActionItem],
    state: str,
    reason: str = "",
) -> None:
    done = 0
    for item in queryset:
        try:
            action_item_move(item, by=acting_user(request), state=state, reason=reason)
        except WorkflowError as exc:
            modeladmin.message_user(request, f"{item.title}: {exc.message}", messages.ERROR)
        else:
            done += 1
    if done:
        label = ItemState(state).label
        modeladmin.message_user(request, f"{done} action item(s) now {label}.", messages.SUCCESS)


@admin.action(description="Start the selected action items")
def start_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ActionItem]) -> None:
    _move_each(modeladmin, request, queryset, ItemState.IN_PROGRESS)


@admin.action(description="Mark the selected action items done")
def done_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ActionItem]) -> None:
    _move_each(modeladmin, request, queryset, ItemState.DONE)


@admin.action(description="Reopen the selected action items")
def reopen_selected(modeladmin: Any, request: HttpRequest, queryset: QuerySet[ActionItem]) -> None:
    _move_each(modeladmin, request, queryset, ItemState.OPEN)


@admin.action(description="Won't do (with a reason)…")
def wont_do_selected(
    modeladmin: Any, request: HttpRequest, queryset: QuerySet[ActionItem]
) -> HttpResponse | None:
    answer = ask(modeladmin, request, queryset, WontDoForm, f"Won't do {queryset.count()} item(s)")
    if isinstance(answer, HttpResponse):
        return answer
    _move_each(modeladmin, request, queryset, ItemState.WONT_DO, answer.cleaned_data["reason"])
    return None


@admin.register(ActionItem)
class ActionItemAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("title", "kind", "owner", "due", "state", "postmortem", "problem", "change")
    list_filter = (
        OverdueFilter,
        "state",
        "kind",
        ("owner", admin.RelatedOnlyFieldListFilter),
        TeamFilter,
        ("postmortem", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "postmortem__number")
    list_select_related = ("owner", "postmortem", "problem", "change")
    autocomplete_fields = ("postmortem", "owner", "problem", "change")
    readonly_fields = ("state", "wont_do_reason", "reminded_at", "created_at", "updated_at")
    fields = (
        "postmortem",
        "title",
        "kind",
        "owner",
        "due_date",
        ("problem", "change"),
        ("state", "wont_do_reason"),
        ("reminded_at", "created_at", "updated_at"),
    )
    actions = (start_selected, done_selected, wont_do_selected, reopen_selected)

    @admin.display(description="Due", ordering="due_date")
    def due(self, obj: ActionItem) -> SafeString | str:
        if obj.due_date is None:
            return "-"
        if obj.is_overdue():
            return format_html(
                '<span class="pm-overdue">{} (overdue)</span>', obj.due_date.isoformat()
            )
        return obj.due_date.isoformat()

    def get_readonly_fields(self, request: HttpRequest, obj: ActionItem | None = None) -> Any:
        if obj is not None:
            return (*self.readonly_fields, "postmortem")  # an item stays with its review
        return self.readonly_fields

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = dict(super().get_changeform_initial_data(request))
        initial.setdefault("owner", request.user.pk)
        return initial

    def has_delete_permission(self, request: HttpRequest, obj: ActionItem | None = None) -> bool:
        return False  # an item no one will do is "won't do", with its reason

    def save_model(self, request: HttpRequest, obj: ActionItem, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in data}
            saved = action_item_update(obj, by=acting_user(request), changes=changes)
        else:
            links = {name: data[name] for name in ("problem", "change") if data.get(name)}
            saved = action_item_create(
                data["postmortem"],
                by=acting_user(request),
                title=data["title"],
                owner=data["owner"],
                kind=data["kind"],
                due_date=data.get("due_date"),
                **links,
            )
        obj.pk = saved.pk
        obj._state.adding = False

    def response_add(
        self, request: HttpRequest, obj: ActionItem, post_url_continue: str | None = None
    ) -> HttpResponse:
        if "_continue" in request.POST or "_addanother" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        # Items are added while writing the review: back to it.
        self.message_user(request, f"Action item {obj.title!r} added.", messages.SUCCESS)
        back = reverse("admin:postmortems_postmortem_change", args=[obj.postmortem_id])
        return HttpResponseRedirect(back)

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except WorkflowError as refusal:
            # Rolled back: show the same POST again with the refusal on the form.
            setattr(request, _REFUSAL, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(
        self, request: HttpRequest, obj: ActionItem | None = None, change: bool = False, **kw: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kw)
        refusal: WorkflowError | None = getattr(request, _REFUSAL, None)
        if refusal is None:
            return form

        def clean(self: "forms.ModelForm[ActionItem]") -> dict[str, Any] | None:
            cleaned = form.clean(self)
            attach_errors(self, refusal)
            return cleaned

        return type(form.__name__, (form,), {"clean": clean})

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path(
                "<int:object_id>/problem/",
                wrap(require_POST(self.problem_view)),
                name="postmortems_actionitem_problem",
            ),
            *super().get_urls(),
        ]

    def problem_view(self, request: HttpRequest, object_id: int) -> HttpResponse:
        item = get_object_or_404(ActionItem.objects.select_related("postmortem"), pk=object_id)
        back = reverse("admin:postmortems_postmortem_change", args=[item.postmortem_id])
        try:
            problem = problem_open_for_item(item, by=acting_user(request))
        except WorkflowError as exc:
            self.message_user(request, f"{item.title}: {exc.message}", messages.ERROR)
            return HttpResponseRedirect(back)
        self.message_user(request, f"{problem.number} opened for {item.title!r}.")
        return HttpResponseRedirect(reverse("admin:problems_problem_change", args=[problem.pk]))
