"""``POST /api/v1/integrations/{key}/alerts/``: where monitoring tools send their alerts.

No user and no session: the integration's key (in the path) names it and its secret proves
the sender. The checks, in order, each with its own answer: size (413), the key (404),
enabled (403), the JSON (400), the credentials (401), the rate (429 for Events v2; 503 for
Alertmanager and Grafana, which retry only 5xx), the payload (400). Then
``alerts.intake.receive`` records everything before the 202 is sent.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django_ratelimit.core import get_usage
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.permissions import AllowAny
from rest_framework.request import Request

from alerts.credentials import authentic
from alerts.intake import receive
from alerts.integrations import integration_by_key
from alerts.models import AuthMode, Integration, Kind
from alerts.payloads import PayloadInvalid
from kernel.api.idempotency import EXEMPT, Idempotent
from kernel.api.parsers import load_json
from kernel.api.schema import ERROR

REPLAYS_ARE_DIGESTS = (
    "A body sent again within ALERT_REPLAY_HOURS is recognised by its digest and changes "
    "nothing: senders retry without a key."
)
ACCEPTED = inline_serializer(
    "AlertsAccepted",
    {
        "status": serializers.CharField(),
        "message": serializers.CharField(),
        "dedup_key": serializers.CharField(required=False),
        "alerts": serializers.IntegerField(required=False),
    },
)


def _error(http_status: int, code: str, message: str, **extra: Any) -> JsonResponse:
    return JsonResponse({"code": code, "message": message, **extra}, status=http_status)


class AlertIntakeViewSet(Idempotent, viewsets.ViewSet):
    authentication_classes = ()
    permission_classes = (AllowAny,)
    throttle_classes = ()
    idempotency_exempt = {"create": REPLAYS_ARE_DIGESTS}

    @extend_schema(
        summary="Send alerts (Alertmanager, Grafana or PagerDuty Events v2)",
        description="The body is the sender's own payload, as the integration's kind reads "
        "it. Authenticate with `Authorization: Bearer <secret>`, or an HMAC-SHA256 "
        "signature of the body (`X-Signature-256: sha256=<hex>` by default); Events v2 "
        "may carry the secret as `routing_key`. Up to 10 MB. See docs/alerts.md.",
        auth=[],
        parameters=[
            OpenApiParameter(
                "key",
                str,
                OpenApiParameter.PATH,
                description="The integration's key (its URL in the console).",
            )
        ],
        extensions={EXEMPT: REPLAYS_ARE_DIGESTS},
        request=OpenApiTypes.OBJECT,
        responses={
            202: ACCEPTED,
            400: OpenApiResponse(ERROR, "Not JSON, or not a payload of the integration's kind."),
            401: OpenApiResponse(ERROR, "Missing or wrong credentials."),
            403: OpenApiResponse(ERROR, "The integration is disabled."),
            404: OpenApiResponse(ERROR, "No integration has this key."),
            413: OpenApiResponse(ERROR, "The body is over 10 MB."),
            429: OpenApiResponse(ERROR, "Events v2: over the rate limit (see Retry-After)."),
            503: OpenApiResponse(
                ERROR, "Over the rate limit (Alertmanager, Grafana), or unavailable."
            ),
        },
        examples=[
            OpenApiExample(
                "Events v2 trigger",
                request_only=True,
                value={
                    "routing_key": "sdalert_…",
                    "event_action": "trigger",
                    "dedup_key": "db-primary-disk",
                    "payload": {
                        "summary": "Disk 95% full on db-1",
                        "source": "db-1",
                        "severity": "critical",
                    },
                },
            )
        ],
    )
    def create(self, request: Request, key: str) -> JsonResponse:
        raw = request._request
        length = raw.META.get("CONTENT_LENGTH") or "0"
        limit = settings.ALERT_MAX_BODY_BYTES
        if not length.isdigit() or int(length) > limit:
            return _error(413, "payload_too_large", f"The body is over {limit} bytes.")
        integration = integration_by_key(key)
        if integration is None:
            return _error(404, "not_found", "No integration has this key.")
        if not integration.enabled:
            return _error(403, "forbidden", "This integration is disabled.")
        body = raw.read(limit + 1)
        if len(body) > limit:
            return _error(413, "payload_too_large", f"The body is over {limit} bytes.")
        headers = raw.headers
        known = authentic(integration, headers, body, None)
        if not known and not routing_key_may_tell(integration, headers):
            return _error(401, "not_authenticated", "Missing or wrong credentials.")
        try:
            document = load_json(body)
        except APIException as refused:
            code = refused.get_codes()
            errors = (
                [str(refused.detail)]
                if not isinstance(refused, ValidationError)
                else [
                    f"{where}: {' '.join(map(str, problems))}"
                    for where, problems in dict(refused.detail).items()  # type: ignore[arg-type]
                ]
            )
            return self.invalid(integration, code if isinstance(code, str) else "invalid", errors)
        if not known and not authentic(integration, headers, body, document):
            return _error(401, "not_authenticated", "Missing or wrong credentials.")
        wait = over_rate(raw, integration)
        if wait:
            status = 429 if integration.kind == Kind.EVENTS_V2 else 503
            response = _error(status, "throttled", "Too many alerts; send again later.")
            response["Retry-After"] = str(wait)
            return response
        try:
            receipt = receive(integration, body, document)
        except PayloadInvalid as invalid:
            return self.invalid(integration, "invalid", invalid.errors)
        if integration.kind == Kind.EVENTS_V2:
            return JsonResponse(
                {"status": "success", "message": "Event processed", "dedup_key": receipt.dedup_key},
                status=202,
            )
        return JsonResponse(
            {"status": "success", "message": "Alerts processed", "alerts": receipt.alerts},
            status=202,
        )

    @staticmethod
    def invalid(integration: Integration, code: str, errors: list[str]) -> JsonResponse:
        if integration.kind == Kind.EVENTS_V2:
            # PagerDuty's own answer, with our code beside it.
            return _error(
                400, code, "Event object is invalid", status="invalid event", errors=errors
            )
        return _error(400, code, "; ".join(errors)[:1000], errors=errors)


def routing_key_may_tell(integration: Integration, headers: Any) -> bool:
    """An Events v2 sender without credentials in its headers may carry the secret as the
    body's ``routing_key`` (PagerDuty's way), unless the integration asks for signatures."""
    return (
        integration.kind == Kind.EVENTS_V2
        and integration.auth == AuthMode.TOKEN
        and not headers.get("Authorization")
    )


def over_rate(request: HttpRequest, integration: Integration) -> int:
    """Seconds to wait when the integration is over ``ALERT_RATE_LIMIT_PER_MINUTE`` this
    minute (0: go ahead): django-ratelimit's fixed window in the default cache, shared by
    every process when the cache is."""
    limit = settings.ALERT_RATE_LIMIT_PER_MINUTE
    if limit <= 0:
        return 0
    usage = get_usage(
        request,
        group="alerts:integration",
        key=lambda group, request: str(integration.pk),
        rate=f"{limit}/m",
        increment=True,
    )
    if usage is None or not usage["should_limit"]:  # None: RATELIMIT_ENABLE is off
        return 0
    return max(1, int(usage["time_left"]))
