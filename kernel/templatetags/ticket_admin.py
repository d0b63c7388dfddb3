from django import template
from django.contrib.admin.templatetags.base import InclusionAdminNode
from django.template.base import Parser, Token

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
