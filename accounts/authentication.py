"""API token authentication: DRF's, reading the user's permissions in the same query.

Every API request asks whether its user is an agent (a permission), so a token lookup
followed by a permission lookup is two round trips on every request. On PostgreSQL the
permissions come back with the token as an array; elsewhere DRF's lookup runs unchanged
and the backend reads them when asked."""

from typing import Any

from django.contrib.auth.models import Permission
from django.contrib.postgres.expressions import ArraySubquery
from django.db import connection
from django.db.models import OuterRef, Q, Value
from django.db.models.functions import Concat
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if connection.vendor != "postgresql":
            return super().authenticate_credentials(key)
        user = OuterRef("user_id")
        names = (
            Permission.objects.filter(Q(user=user) | Q(group__user=user))
            .annotate(full_name=Concat("content_type__app_label", Value("."), "codename"))
            .values("full_name")
        )
        try:
            token = (
                Token.objects.select_related("user")
                .annotate(perms=ArraySubquery(names))
                .get(key=key)
            )
        except Token.DoesNotExist as exc:
            raise exceptions.AuthenticationFailed("Invalid token.") from exc
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not token.user.is_superuser:
            # What accounts.backends.PermissionBackend would read on first use.
            token.user._perm_cache = set(token.perms)
        return token.user, token
