from typing import Any

from rest_framework import pagination
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.views import APIView


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination stays fast at a million rows: no COUNT, no OFFSET."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500

    def get_page_size(self, request: Request) -> int | None:
        """``?page_size=`` is a whole number from 1 to ``max_page_size``, given once;
        anything else is a 400 (DRF would quietly use the default page size)."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[0]
        if len(values) > 1 or not (value.isascii() and value.isdigit()):
            raise ValidationError({self.page_size_query_param: [self._page_size_rule()]})
        size = int(value)
        if not 1 <= size <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [self._page_size_rule()]})
        return size

    def _page_size_rule(self) -> str:
        return f"A whole number from 1 to {self.max_page_size}, given once."

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"] = {
                    **parameter["schema"],
                    "minimum": 1,
                    "maximum": self.max_page_size,
                }
        return parameters
