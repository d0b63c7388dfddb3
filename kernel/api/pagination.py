from rest_framework import pagination


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination stays fast at a million rows: no COUNT, no OFFSET."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
