"""API token authentication: DRF's, reading the user's permissions in the same query.

Every API request asks whether its user is an agent (a permission), so a token lookup
followed by a permission lookup is two round trips on every request. On PostgreSQL one
statement returns the user with their permission names (their own and their groups'), and
it is plain SQL because it runs on every request: compiling the equivalent ORM query
cost more than running it. Elsewhere DRF's lookup runs unchanged and the backend reads
the permissions when asked."""

from functools import cache
from typing import Any

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from accounts.models import User


@cache
def user_with_rights_sql() -> str:
    def table(model: Any) -> str:
        return connection.ops.quote_name(model._meta.db_table)

    user_perms = table(User.user_permissions.through)
    user_groups = table(User.groups.through)
    group_perms = table(Group.permissions.through)
    return f"""
        SELECT u.*, t.key AS token_key, ARRAY(
            SELECT ct.app_label || '.' || p.codename
            FROM {table(Permission)} p JOIN {table(ContentType)} ct ON ct.id = p.content_type_id
            WHERE p.id IN (SELECT up.permission_id FROM {user_perms} up WHERE up.user_id = u.id)
               OR p.id IN (SELECT gp.permission_id FROM {group_perms} gp
                           JOIN {user_groups} ug ON ug.group_id = gp.group_id
                           WHERE ug.user_id = u.id)
        ) AS rights
        FROM {table(Token)} t JOIN {table(User)} u ON u.id = t.user_id
        WHERE t.key = %s
    """  # noqa: S608 (table names from the models, the key is a parameter)  # nosec B608


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key: str) -> tuple[Any, Any]:
        if connection.vendor != "postgresql":
            return super().authenticate_credentials(key)
        found = list(User.objects.raw(user_with_rights_sql(), [key]))
        if not found:
            raise exceptions.AuthenticationFailed("Invalid token.")
        user = found[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed("User inactive or deleted.")
        if not user.is_superuser:
            # What accounts.backends.PermissionBackend would read on first use.
            user._perm_cache = set(user.rights)  # type: ignore[attr-defined]
        token = Token(key=user.token_key, user=user)  # type: ignore[attr-defined]
        return user, token
