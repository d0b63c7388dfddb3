"""Permissions the API shares across apps."""

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.views import APIView

from accounts.models import User


def is_agent(request: Request) -> bool:
    return isinstance(request.user, User) and request.user.is_agent


class IsAgent(BasePermission):
    """Agents only."""

    message = "Only agents may do this."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return is_agent(request)

    def has_object_permission(self, request: Request, view: APIView, obj: Any) -> bool:
        return is_agent(request)


class IsAgentForRecord(IsAgent):
    """Agents only, checked once the record is found: an end user asking about a record
    they cannot see gets the visibility filter's 404, so its existence does not leak."""

    def has_permission(self, request: Request, view: APIView) -> bool:
        return True
