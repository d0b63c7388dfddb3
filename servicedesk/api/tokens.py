"""``/api/v1/tokens/``: the requesting user's own API tokens. A new token's plain text is in
the answer to its POST and nowhere else, ever; revoking keeps the row, for the record.
Managers revoke other people's tokens in the admin."""

from contextlib import suppress
from typing import Any

from django.db.models import QuerySet
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.permissions import IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import ApiToken
from accounts.tokens import (
    DEFAULT_EXPIRY,
    TokenAlreadyRevoked,
    TokenRefused,
    api_token_issue,
    api_token_revoke,
)
from kernel.api.idempotency import EXEMPT, Idempotent
from kernel.api.schema import ERROR, error_responses
from kernel.api.serializers import StrictSerializer


class TokenScheme(OpenApiAuthenticationExtension):
    """How the schema describes ``accounts.authentication.TokenAuthentication``
    (drf-spectacular finds it by subclassing; this module is imported with the router)."""

    target_class = "accounts.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API token: `Authorization: Bearer sd_...`. The older "
            "`Authorization: Token <key>` is accepted too.",
        }


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    class Meta:
        model = ApiToken
        fields: tuple[str, ...] = (
            "id",
            "name",
            "prefix",
            "created",
            "expires",
            "last_used",
            "revoked_at",
        )
        read_only_fields: tuple[str, ...] = fields


class IssuedTokenSerializer(TokenSerializer):
    token = serializers.CharField(
        read_only=True,
        help_text="The token itself, for `Authorization: Bearer <token>`. "
        "Shown in this answer only: store it now.",
    )

    class Meta(TokenSerializer.Meta):
        fields = (*TokenSerializer.Meta.fields, "token")
        read_only_fields = fields


class TokenInputSerializer(StrictSerializer):
    name = serializers.CharField(max_length=100, help_text="What the token is for.")
    expires = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="When it stops working. Default: API_TOKEN_DAYS from now; null (never) "
        "only where the server allows it; never later than the token this request is "
        "signed in with.",
    )


ALREADY_REVOKED = OpenApiResponse(ERROR, description="The token is revoked already (`conflict`).")


class AlreadyRevoked(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


NOT_KEPT = "the answer holds the new token, which is never stored"


@extend_schema(tags=["tokens"])
@extend_schema_view(
    list=extend_schema(
        summary="Your API tokens", responses={200: TokenSerializer, **error_responses(401)}
    ),
    retrieve=extend_schema(
        summary="One of your API tokens",
        responses={200: TokenSerializer, **error_responses(401, 404)},
    ),
)
class TokenViewSet(
    Idempotent,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet[ApiToken],
):
    permission_classes = (IsAuthenticated,)
    serializer_class = TokenSerializer
    # Kept answers are stored in clear, and this one is the token shown once.
    idempotency_exempt = {"create": NOT_KEPT}
    lookup_value_regex = "[0-9]+"
    filter_backends = ()  # newest first, by id (the cursor's order); a user has a few

    def get_queryset(self) -> QuerySet[ApiToken]:
        if getattr(self, "swagger_fake_view", False):  # drf-spectacular reading the types
            return ApiToken.objects.none()
        return ApiToken.objects.filter(user=self.request.user)  # type: ignore[misc]

    @extend_schema(
        summary="Issue a token",
        description="Ignores `Idempotency-Key`: the answer holds the new token, which is "
        "never stored, so it cannot be replayed. A retry issues another token; revoke the "
        "one whose answer was lost (it is listed by name).",
        extensions={EXEMPT: NOT_KEPT},
        request=TokenInputSerializer,
        responses={201: IssuedTokenSerializer, **error_responses(400, 401)},
    )
    def create(self, request: Request) -> Response:
        given = TokenInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        presented = request.auth if isinstance(request.auth, ApiToken) else None
        try:
            token, plain = api_token_issue(
                request.user,  # type: ignore[arg-type]
                name=given.validated_data["name"],
                expires=given.validated_data.get("expires", DEFAULT_EXPIRY),
                presented=presented,
            )
        except TokenRefused as refusal:
            field = refusal.field or "non_field_errors"
            raise exceptions.ValidationError({field: [refusal.message]}) from refusal
        body = IssuedTokenSerializer(token).data | {"token": plain}
        # The answer holds a secret: no cache on the way may keep it.
        return Response(body, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    @extend_schema(
        summary="Revoke a token",
        request=None,
        responses={200: TokenSerializer, 409: ALREADY_REVOKED, **error_responses(401, 404)},
    )
    @action(detail=True, methods=["post"])
    def revoke(self, request: Request, pk: str) -> Response:
        try:
            token = api_token_revoke(self.get_object(), by=request.user)  # type: ignore[arg-type]
        except TokenAlreadyRevoked as refusal:
            raise AlreadyRevoked(refusal.message) from refusal
        return Response(TokenSerializer(token).data)

    @extend_schema(
        summary="Revoke a token (as DELETE)",
        description="The same as `POST .../revoke/`; revoking a revoked token is no error here.",
        responses={204: None, **error_responses(401, 404)},
    )
    def destroy(self, request: Request, pk: str) -> Response:
        with suppress(TokenAlreadyRevoked):  # DELETE is idempotent
            api_token_revoke(self.get_object(), by=request.user)  # type: ignore[arg-type]
        return Response(status=status.HTTP_204_NO_CONTENT)
