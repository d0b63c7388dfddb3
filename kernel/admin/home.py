"""The agents' home (the admin index): queues with counts, each one click to its filtered
list, and panels (who is on call, charts). The kernel only lays them out; each app that
owns a queue or a panel registers it from its ``wiring.connect()``, so the home never
imports a higher app.

Every queue is one statement (a count on an index), every panel a fixed number of
statements: the home's query count does not grow with the tables (tests/admin/
test_home.py), and ``bench/home.py`` times it at a million incidents. The figures that are
the same for everyone (the charts, the SLA queues) scan the open incidents or weeks of
them, so they are computed through ``shared``: once per ``HOME_REFRESH_SECONDS``."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, cast

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from accounts.models import User


@dataclass(frozen=True)
class Queue:
    label: str
    count: int
    url: str
    urgent: bool = False
    """Shown in red while the count is above zero (breached, overdue)."""


@dataclass(frozen=True)
class HomePanel:
    title: str
    body: SafeString
    """HTML the registering app made safe (``format_html``, a rendered template)."""
    stylesheets: tuple[str, ...] = ()
    """Static paths of the CSS the body needs (a file: the CSP refuses style="")."""


def shared[V](key: str, compute: Callable[[], V]) -> V:
    """``compute()``, or its answer from the cache if it is younger than
    ``HOME_REFRESH_SECONDS``. Only for figures that do not depend on who asks: the caller
    checks permissions before, on every request. ``key`` names the figure and whatever
    it is for (the day, the week)."""
    seconds = settings.HOME_REFRESH_SECONDS
    if seconds <= 0:
        return compute()
    return cast("V", cache.get_or_set(f"home:{key}", compute, seconds))


type QueueSource = Callable[["User"], list[Queue]]
type PanelSource = Callable[[HttpRequest], HomePanel | None]

_queues: dict[str, tuple[int, QueueSource]] = {}
_panels: dict[str, tuple[int, PanelSource]] = {}


def register_home_queues(key: str, order: int, source: QueueSource) -> None:
    """Show ``source(user)``'s queues on the home, sorted by ``order``. Idempotent: the
    key names the registration."""
    _queues[key] = (order, source)


def register_home_panel(key: str, order: int, source: PanelSource) -> None:
    """Show ``source(request)`` (``None``: nothing) on the home, sorted by ``order``."""
    _panels[key] = (order, source)


def home_queues(user: User) -> list[Queue]:
    return [
        queue
        for _order, source in sorted(_queues.values(), key=lambda found: found[0])
        for queue in source(user)
    ]


def home_panels(request: HttpRequest) -> list[HomePanel]:
    panels = (source(request) for _order, source in sorted(_panels.values(), key=lambda p: p[0]))
    return [panel for panel in panels if panel is not None]
