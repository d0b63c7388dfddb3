from base64 import b64decode
from collections.abc import Sequence
from typing import Any
from urllib import parse

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import Field, Model, QuerySet
from rest_framework import exceptions, pagination, status
from rest_framework.exceptions import APIException, NotFound
from rest_framework.request import Request
from rest_framework.views import APIView

from kernel.api.values import refusal


class InvalidCursor(APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_detail = "Invalid cursor: use the next or previous link of a page."
    default_code = "invalid_cursor"


class CursorPagination(pagination.CursorPagination):
    """Cursor pagination stays fast at a million rows: no COUNT, no OFFSET.

    A cursor is the client's to send back, so it is input like any other: one that is not
    base64, names a position the ordering field cannot hold (``p=not-a-date``, a NUL) or an
    offset beyond ``offset_cutoff`` is a 400 ``invalid_cursor`` before any query runs
    (DRF's own answer is a 404, or the database's error)."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500

    _model: type[Model] | None = None

    def paginate_queryset[M: Model, R](
        self, queryset: QuerySet[M, R] | Sequence[R], request: Request, view: APIView | None = None
    ) -> list[R] | None:
        self._model = queryset.model if isinstance(queryset, QuerySet) else None
        return super().paginate_queryset(queryset, request, view)

    def decode_cursor(self, request: Request) -> pagination.Cursor | None:
        encoded = request.query_params.get(self.cursor_query_param)
        try:
            cursor = super().decode_cursor(request)
        except NotFound as exc:
            raise InvalidCursor() from exc
        if cursor is None:
            return None
        offset = _offset(encoded or "")
        if offset is None or offset > self.offset_cutoff:
            raise InvalidCursor()
        if cursor.position is not None and not self._holds(str(cursor.position)):
            raise InvalidCursor()
        return cursor

    def _holds(self, position: str) -> bool:
        """Whether the first ordering field can hold ``position`` (DRF filters on it)."""
        name = self.ordering[0].lstrip("-")
        try:
            field = self._model._meta.get_field(name) if self._model is not None else None
        except FieldDoesNotExist:
            field = None
        if not isinstance(field, Field):  # not a column of its own: DRF compares text
            return "\x00" not in position
        try:
            value = field.to_python(position)
        except (ValidationError, ValueError, TypeError):
            return False
        return refusal(value) is None

    def get_page_size(self, request: Request) -> int | None:
        """``?page_size=`` is a whole number from 1 to ``max_page_size``, given once;
        anything else is a 400 (DRF would quietly use the default page size)."""
        values = request.query_params.getlist(self.page_size_query_param)
        if not values:
            return self.page_size
        value = values[0]
        if len(values) > 1 or not (value.isascii() and value.isdigit()):
            raise exceptions.ValidationError({self.page_size_query_param: [self._page_size_rule()]})
        size = int(value)
        if not 1 <= size <= self.max_page_size:
            raise exceptions.ValidationError({self.page_size_query_param: [self._page_size_rule()]})
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


def _offset(encoded: str) -> int | None:
    """The offset the cursor asks for, before DRF caps it (``None`` if unreadable)."""
    try:
        tokens = parse.parse_qs(b64decode(encoded.encode("ascii")).decode("ascii"))
        return int(tokens.get("o", ["0"])[0])
    except (TypeError, ValueError):
        return None
