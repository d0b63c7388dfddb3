"""Every write to an action item: add, edit, move it (open, in progress, done, won't do with
a reason), the weekly reminder of overdue ones, and opening a problem from a review.
Each locks, checks, saves with a history row and writes an event on the postmortem's
timeline, which tells the owner (or nobody) through the outbox."""

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from kernel.errors import MoveForbidden, MoveInvalid, MoveNotAllowed
from kernel.notices import Notice, NoticeKind
from kernel.workflow import record_event, save_audited
from postmortems.models import ITEM_OPEN, ActionItem, ItemState, Kind, Postmortem

if TYPE_CHECKING:
    from accounts.models import User

WORK = "postmortems.change_actionitem"
EDITABLE = ("title", "kind", "owner", "due_date", "problem", "change")
REMIND_EVERY = timedelta(days=7)

# Where each state may go: done and won't-do items may be reopened.
ITEM_MOVES: dict[str, frozenset[str]] = {
    ItemState.OPEN: frozenset({ItemState.IN_PROGRESS, ItemState.DONE, ItemState.WONT_DO}),
    ItemState.IN_PROGRESS: frozenset({ItemState.OPEN, ItemState.DONE, ItemState.WONT_DO}),
    ItemState.DONE: frozenset({ItemState.OPEN}),
    ItemState.WONT_DO: frozenset({ItemState.OPEN}),
}
ASSIGNED_NOTICE = Notice(NoticeKind.ASSIGNED, "an action item is yours")
DUE_NOTICE = Notice(
    NoticeKind.ACTION_ITEM_DUE,
    "an action item of yours is overdue",
    shows=("title", "due_date", "days_overdue"),
)


def _may_work(by: "User", item: ActionItem | None = None) -> None:
    if by.has_perm(WORK) or (item is not None and item.owner_id == by.pk):
        return
    raise MoveForbidden("You may not change this action item.")


def _lock(item: ActionItem) -> ActionItem:
    # Two people moving one item serialize here; the second sees the state the first left.
    return ActionItem.objects.select_for_update().get(pk=item.pk)


def _validate(item: ActionItem) -> None:
    if not item.title.strip():
        raise MoveInvalid({"title": ["Say what is to be done."]})
    if item.kind not in Kind.values:
        raise MoveInvalid({"kind": [f"{item.kind!r} is not a valid kind."]})
    if not item.owner.is_active:
        raise MoveInvalid({"owner": [f"{item.owner} is not active."]})


def action_item_create(
    postmortem: Postmortem,
    *,
    by: "User",
    title: str,
    owner: "User",
    kind: str = Kind.CORRECT,
    due_date: date | None = None,
    **links: Any,
) -> ActionItem:
    """Add a follow-up to ``postmortem``; its owner is told."""
    _may_work(by)
    unknown = set(links) - {"problem", "change"}
    if unknown:
        raise MoveInvalid({name: ["This field cannot be set."] for name in sorted(unknown)})
    item = ActionItem(
        postmortem=postmortem,
        title=title.strip(),
        owner=owner,
        kind=kind,
        due_date=due_date,
        **links,
    )
    _validate(item)
    with transaction.atomic():
        save_audited(item, by=by, reason="Added")
        record_event(
            postmortem,
            by=by,
            verb="action_item_added",
            body=item.title,
            data=_data(item),
            notice=ASSIGNED_NOTICE.naming([owner.pk]),
        )
    return item


def _data(item: ActionItem, **extra: Any) -> dict[str, Any]:
    return {
        "action_item": item.pk,
        "title": item.title,
        "owner": str(item.owner),
        "due_date": item.due_date.isoformat() if item.due_date else None,
        **extra,
    }


def action_item_update(
    item: ActionItem, *, by: "User", changes: dict[str, Any], reason: str = ""
) -> ActionItem:
    """Edit the item's fields; a new owner is told."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise MoveInvalid({name: ["This field cannot be changed."] for name in sorted(unknown)})
    _may_work(by, item)
    with transaction.atomic():
        current = _lock(item)
        before = {name: getattr(current, name) for name in changes}
        for name, value in changes.items():
            setattr(current, name, value)
        changed = [name for name in changes if getattr(current, name) != before[name]]
        if not changed:
            return current
        _validate(current)
        if "due_date" in changed:
            current.reminded_at = None  # a new due date: remind again once it passes
        save_audited(current, by=by, reason=reason or "Updated " + ", ".join(changed))
        owner_changed = "owner" in changed
        record_event(
            current.postmortem,
            by=by,
            verb="action_item_updated",
            body=reason,
            data=_data(current, fields=changed),
            notice=ASSIGNED_NOTICE.naming([current.owner_id]) if owner_changed else None,
        )
    return current


def action_item_move(item: ActionItem, *, by: "User", state: str, reason: str = "") -> ActionItem:
    """Move the item to ``state``; won't do needs the reason why."""
    if state not in ItemState.values:
        raise MoveInvalid({"state": [f"{state!r} is not a valid state."]})
    _may_work(by, item)
    with transaction.atomic():
        current = _lock(item)
        if state not in ITEM_MOVES[current.state]:
            raise MoveNotAllowed(
                f"Cannot move {current.title!r} to {ItemState(state).label}: it is "
                f"{current.get_state_display()}."
            )
        if state == ItemState.WONT_DO and not reason.strip():
            raise MoveInvalid({"reason": ["Say why it will not be done."]})
        before = current.state
        current.state = state
        current.wont_do_reason = reason.strip() if state == ItemState.WONT_DO else ""
        label = ItemState(state).label
        save_audited(current, by=by, reason=reason.strip() or label)
        record_event(
            current.postmortem,
            by=by,
            verb="action_item_moved",
            body=reason.strip(),
            data=_data(current, **{"from": before, "to": state}),
        )
    return current


# --- the weekly reminder ----------------------------------------------------------------


def overdue(today: date) -> Any:
    return ActionItem.objects.filter(state__in=ITEM_OPEN, due_date__lt=today)


def remind_overdue(now: datetime | None = None) -> int:
    """Tell the owner of each overdue item, at most once a week per item. Safe to run
    twice at once: each item is taken under a row lock that the other run skips, and the
    week is checked again under it. Returns how many were reminded."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    due = overdue(today).exclude(reminded_at__gt=now - REMIND_EVERY)
    sent = 0
    for pk in list(due.order_by("pk").values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            item = (
                ActionItem.objects.select_for_update(skip_locked=True)
                .select_related("postmortem", "owner")
                .filter(pk=pk, state__in=ITEM_OPEN, due_date__lt=today)
                .exclude(reminded_at__gt=now - REMIND_EVERY)
                .first()
            )
            if item is None:
                continue  # the other run has it, or it was done meanwhile
            item.reminded_at = now
            save_audited(item, by=None, reason="Overdue: owner reminded")
            days = (today - item.due_date).days if item.due_date else 0
            record_event(
                item.postmortem,
                by=None,
                verb="action_item_due",
                body=item.title,
                data=_data(item, days_overdue=days),
                notice=DUE_NOTICE.naming([item.owner_id]).worded(
                    f"action item overdue by {days} day(s): {item.title}"
                ),
            )
            sent += 1
    return sent
