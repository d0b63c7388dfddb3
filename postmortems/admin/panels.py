"""Panels under change forms (``kernel.admin.panels``), plugged in by ``postmortems.wiring``:
a postmortem's reviewers, action items and blameless-check warnings; an incident's
postmortem (or the button that starts it); a problem's postmortems and action items."""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from incidents.models import Incident
from kernel.admin.panels import Panel, PanelRow
from postmortems.blameless import blameless_warnings
from postmortems.models import ActionItem, Postmortem
from problems.models import Problem


def reviewers_panel(request: HttpRequest, postmortem: Postmortem) -> Panel:
    may_change = not postmortem.is_finished and request.user.has_perm(
        "postmortems.change_postmortem"
    )
    rows = [
        PanelRow(
            reviewer,
            action_url=(
                reverse(
                    "admin:postmortems_postmortem_remove_reviewer",
                    args=[postmortem.pk, reviewer.user_id],
                )
                if may_change
                else ""
            ),
            action_label="Remove",
        )
        for reviewer in postmortem.reviewers.select_related("user")
    ]
    return Panel("Reviewers", rows, empty="Nobody named yet: name a reviewer before submitting.")


def item_note(item: ActionItem, today: object) -> str:
    parts = [item.get_kind_display(), f"owner {item.owner}"]
    if item.due_date is not None:
        parts.append(f"due {item.due_date.isoformat()}")
    state = item.get_state_display()
    if item.is_overdue(today):  # type: ignore[arg-type]
        state += " (overdue)"
    if item.wont_do_reason:
        state += f": {item.wont_do_reason}"
    parts.append(state)
    carried = [t.number for t in (item.problem, item.change) if t is not None]
    if carried:
        parts.append("carried by " + ", ".join(carried))
    return " · ".join(parts)


def action_items_panel(request: HttpRequest, postmortem: Postmortem) -> Panel:
    today = timezone.localdate()
    may_open = request.user.has_perm("problems.add_problem")
    items = postmortem.action_items.select_related("owner", "problem", "change").order_by(
        "due_date", "id"
    )
    rows = [
        PanelRow(
            item,
            note=item_note(item, today),
            action_url=(
                reverse("admin:postmortems_actionitem_problem", args=[item.pk])
                if may_open and item.problem_id is None and item.is_open
                else ""
            ),
            action_label="Open a problem",
        )
        for item in items
    ]
    return Panel("Action items", rows, empty="No action items yet.")


def blameless_panel(request: HttpRequest, postmortem: Postmortem) -> Panel | None:
    if postmortem.is_finished:
        return None
    rows = [
        PanelRow(f"“{w.sentence}”", note=f"Names {w.person} before “{w.phrase}” ({w.section}).")
        for w in blameless_warnings(postmortem)
    ]
    return Panel("Blameless check", rows, empty="No sentence names a person as the cause.")


def incident_postmortem_panel(request: HttpRequest, incident: Incident) -> Panel | None:
    """The incident's postmortem, or, for a major incident without one, the button."""
    postmortem = Postmortem.objects.filter(incident=incident).first()
    if postmortem is not None:
        note = postmortem.get_status_display()
        return Panel("Postmortem", [PanelRow(postmortem, note=note)])
    if not incident.is_major:
        return None
    if not request.user.has_perm("postmortems.add_postmortem"):
        return None
    start = reverse("admin:postmortems_postmortem_start", args=[incident.pk])
    row = PanelRow(
        "No postmortem yet.",
        note="Starts it with the incident's facts: impact, durations, starred events.",
        action_url=start,
        action_label="Start the postmortem",
    )
    return Panel("Postmortem", [row])


def problem_sources_panel(request: HttpRequest, problem: Problem) -> Panel | None:
    """The postmortems and action items that point at ``problem``."""
    rows = [
        PanelRow(postmortem, note=f"Root causes of {postmortem.incident.number}")
        for postmortem in problem.postmortems.select_related("incident")
    ]
    rows += [
        PanelRow(item, note=f"Action item of {item.postmortem.number} · {item.get_state_display()}")
        for item in problem.action_items.select_related("postmortem")
    ]
    if not rows:
        return None
    return Panel("From postmortems", rows)
