from typing import Any

from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template.base import Parser, Token

from kernel.admin import home as admin_home
from kernel.admin import lists as admin_lists

register = template.Library()


@register.tag(name="ticket_date_hierarchy")
def ticket_date_hierarchy(parser: Parser, token: Token) -> InclusionAdminNode:
    """``{% ticket_date_hierarchy cl %}``: the admin's date hierarchy without full scans."""
    return InclusionAdminNode(
        "date_hierarchy",
        parser,
        token,
        func=admin_lists.date_hierarchy,
        template_name="date_hierarchy.html",
        takes_context=False,
    )


@register.inclusion_tag("admin/kernel/home.html", takes_context=True)
def agents_home(context: dict[str, Any]) -> dict[str, Any]:
    """``{% agents_home %}``: the queues and panels the apps registered
    (``kernel.admin.home``), for the user of the request."""
    request = context["request"]
    panels = admin_home.home_panels(request)
    stylesheets = dict.fromkeys(css for panel in panels for css in panel.stylesheets)
    return {
        "queues": admin_home.home_queues(request.user),
        "panels": panels,
        "stylesheets": list(stylesheets),
        "request": request,
    }
