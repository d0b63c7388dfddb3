"""``/status/feed.atom``: every public update, newest first, as an RFC 4287 Atom feed."""

from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from statuspage.links import absolute
from statuspage.models import StatusUpdate

ENTRIES = 50


class AtomWithContent(Atom1Feed):
    """Django's Atom writes an update's text as ``<summary>``; RFC 4287 readers expect the
    full text in ``<content>``, which an entry without an alternate-only link must carry."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        handler.addQuickElement("content", item["content"], {"type": "text"})


class StatusFeed(Feed):
    feed_type = AtomWithContent

    def title(self) -> str:
        return str(settings.STATUS_PAGE_NAME)

    def link(self) -> str:
        return reverse("statuspage:status")

    def subtitle(self) -> str:
        return f"Incident updates from {settings.STATUS_PAGE_NAME}"

    def feed_guid(self) -> str:
        # A stable IRI for the feed's <id>, whatever host serves it.
        return absolute(reverse("statuspage:feed"))

    def author_name(self) -> str:
        return str(settings.STATUS_PAGE_NAME)

    def feed_url(self) -> str:
        return reverse("statuspage:feed")

    def items(self) -> QuerySet[StatusUpdate]:
        return StatusUpdate.objects.select_related("public_incident__incident").order_by(
            "-created_at", "-id"
        )[:ENTRIES]

    def item_title(self, item: StatusUpdate) -> str:
        return f"{item.public_incident.title}: {item.get_phase_display()}"

    def item_description(self, item: StatusUpdate) -> str:
        return f"{item.get_phase_display()} ({item.get_impact_display().lower()})"

    def item_link(self, item: StatusUpdate) -> str:
        return item.public_incident.url + f"#update-{item.pk}"

    def item_guid(self, item: StatusUpdate) -> str:
        return absolute(item.public_incident.url) + f"#update-{item.pk}"

    def item_guid_is_permalink(self, item: StatusUpdate) -> bool:
        return True

    def item_pubdate(self, item: StatusUpdate) -> datetime:
        return item.created_at

    def item_updateddate(self, item: StatusUpdate) -> datetime:
        return item.created_at

    def item_extra_kwargs(self, item: StatusUpdate) -> dict[str, Any]:
        return {"content": item.body}

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=60"
        return response
