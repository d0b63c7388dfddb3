"""Writes answered from inside their transaction.

A view that commits and then serializes runs its response's queries after the commit: if
the database goes away in between, the record is saved but the client hears an error
and, retrying, saves it twice. Under ``AnswerBeforeCommit`` a write request (anything but
GET, HEAD, OPTIONS) runs in one transaction, the workflow's own blocks nested in it, and
its response data is built before the commit. If the commit fails, the request fails
(503 through ``servicedesk.edge``) with nothing saved; an error response rolls back
whatever the request wrote before it failed. A POST with an ``Idempotency-Key`` already
runs in ``Idempotent``'s transaction, which keeps its answer before the commit: it is not
wrapped twice."""

from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from rest_framework.permissions import SAFE_METHODS

from kernel.api.idempotency import Idempotent


class AnswerBeforeCommit:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        keyed = isinstance(self, Idempotent) and self.keyed(request)
        if request.method in SAFE_METHODS or keyed:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        with transaction.atomic():
            response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
            if response.status_code >= 400:
                transaction.set_rollback(True)
        return response
