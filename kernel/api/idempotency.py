"""``Idempotency-Key`` over the API: ``Idempotent``, the first base of every ViewSet that
takes a POST (``tests/api/test_idempotency_everywhere.py`` walks the URLs to keep it so),
and the header in the schema. What a key means is ``kernel.idempotency``'s."""

from typing import Any

from django.db import IntegrityError, connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.response import SimpleTemplateResponse
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from kernel.idempotency import (
    Claim,
    KeyInUse,
    KeyReused,
    claim,
    fingerprint,
    is_valid_key,
    store,
)
from kernel.models import IdempotencyKey

HEADER = "Idempotency-Key"
META = "HTTP_IDEMPOTENCY_KEY"
REPLAYED = "Idempotent-Replayed"

IN_USE = {
    "code": "idempotency_key_in_use",
    "message": "A request with this Idempotency-Key is still being processed; retry later.",
}
REUSED = {
    "code": "idempotency_key_reused",
    "message": "This Idempotency-Key was used for a different request (method, path or body).",
}
INVALID = {
    "code": "idempotency_key_invalid",
    "message": "An Idempotency-Key is 1 to 255 printable ASCII characters.",
}


class InvalidKey(Exception):
    pass


class Replay(Exception):
    """The key already has an answer for this request: send it again."""

    def __init__(self, stored: IdempotencyKey) -> None:
        self.stored = stored


class Taken(Exception):
    """Two first requests raced past the lock (no advisory locks): the constraint refused
    the second one's key, and its effect is rolled back with it."""


class Idempotent:
    """POSTs with an ``Idempotency-Key`` run in one transaction that claims the key after
    authentication, permissions and throttling (so a 401, 403 or 429 is not kept) and keeps
    the answer with the effect. Without the header, nothing is added: not a query."""

    idempotency_claim: Claim | None = None
    idempotency_body: bytes = b""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.method != "POST" or META not in request.META:
            return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        # Read now: a session's CSRF check parses a multipart form from the stream, after
        # which the raw body could not be read any more.
        self.idempotency_body = request.body
        try:
            with transaction.atomic():
                response: HttpResponseBase = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
                self.keep(response)
        except Taken:
            return JsonResponse(IN_USE, status=status.HTTP_409_CONFLICT)
        return response

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)  # type: ignore[misc]
        key = request.META.get(META)
        if request.method != "POST" or key is None or not request.user.is_authenticated:
            return
        if not is_valid_key(key):
            raise InvalidKey()
        outcome = claim(
            request.user.pk,
            key,
            fingerprint("POST", request.get_full_path(), self.idempotency_body),
        )
        if isinstance(outcome, IdempotencyKey):
            raise Replay(outcome)
        self.idempotency_claim = outcome

    def handle_exception(self, exc: Exception) -> Response:
        if isinstance(exc, Replay):
            # The stored bytes as they are, not re-rendered: DRF finalizes any HttpResponse.
            return replay(exc.stored)  # type: ignore[return-value]
        if isinstance(exc, KeyInUse):
            return Response(IN_USE, status=status.HTTP_409_CONFLICT, headers={"Retry-After": "1"})
        if isinstance(exc, KeyReused):
            return Response(REUSED, status=status.HTTP_422_UNPROCESSABLE_ENTITY)
        if isinstance(exc, InvalidKey):
            return Response(INVALID, status=status.HTTP_400_BAD_REQUEST)
        return super().handle_exception(exc)  # type: ignore[misc]

    def keep(self, response: HttpResponseBase) -> None:
        """Store the answer of a request that took its key; on a 5xx, release the key by
        rolling back, with whatever the request did."""
        claimed = self.idempotency_claim
        if claimed is None:
            return  # replayed, refused, or stopped before the key was claimed
        if response.status_code >= 500 or connection.needs_rollback:
            transaction.set_rollback(True)
            return
        if isinstance(response, SimpleTemplateResponse):
            response.render()  # the bytes the client gets, rendered before the commit
        try:
            store(
                claimed,
                status_code=response.status_code,
                headers=list(response.items()),
                body=response.content if isinstance(response, HttpResponse) else b"",
            )
        except IntegrityError as error:
            raise Taken() from error


def replay(stored: IdempotencyKey) -> HttpResponse:
    response = HttpResponse(bytes(stored.body), status=stored.status_code)
    for name, value in stored.headers:
        response[name] = value
    response[REPLAYED] = "true"
    return response


PARAMETER = {
    "name": HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Makes a retry safe: the first answer to this user's request under the key is kept "
        "for 24 hours (`IDEMPOTENCY_KEY_TTL_HOURS`) and replayed, with `Idempotent-Replayed: "
        "true`, instead of doing the request again. See docs/api.md."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": 255, "pattern": "^[\\x20-\\x7e]+$"},
}
ERROR_RESPONSES = {
    "400": "The Idempotency-Key is not 1 to 255 printable ASCII characters "
    "(code `idempotency_key_invalid`), or the input is invalid.",
    "409": "A request with this Idempotency-Key is still running "
    "(code `idempotency_key_in_use`), or the record's state does not allow this.",
    "422": "This Idempotency-Key was used for another request (code `idempotency_key_reused`).",
}


def document_idempotency_key(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the optional header, and the answers it can
    bring, on every POST."""
    for operations in result.get("paths", {}).values():
        post = operations.get("post")
        if post is None:
            continue
        post.setdefault("parameters", []).append(PARAMETER)
        responses = post.setdefault("responses", {})
        for code, description in ERROR_RESPONSES.items():
            responses.setdefault(
                code,
                {
                    "description": description,
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            )
    return result
