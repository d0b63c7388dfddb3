"""Who sees which incidents: the one rule the portal, the API and attachment downloads
share. Agents see every incident; anyone else sees the incidents they called in and
those of the people a manager let them report for (``accounts.ReportingGrant``)."""

from typing import TYPE_CHECKING, TypeVar

from django.db.models import Model, Q, QuerySet

from accounts.models import ReportingGrant, User

if TYPE_CHECKING:
    from incidents.models import Incident

M = TypeVar("M", bound=Model)


def represented(user: User) -> QuerySet[User]:
    """The people ``user`` may report for besides themselves, by name."""
    return User.objects.filter(
        is_active=True, pk__in=ReportingGrant.objects.filter(reporter=user).values("on_behalf_of")
    ).order_by("first_name", "last_name", "username")


def reports_for_caller(user: User, caller_id: int) -> bool:
    """Whether ``user`` holds a grant for the incidents of ``caller_id``. Staff never act
    as delegates: agents have their own rights, and it keeps their pages free of lookups."""
    if user.is_staff or not user.is_active:
        return False
    return ReportingGrant.objects.filter(reporter=user, on_behalf_of_id=caller_id).exists()


def visible_incidents(incidents: "QuerySet[Incident]", user: User) -> "QuerySet[Incident]":
    """``incidents`` narrowed to those ``user`` may see. Callers of views answer 404 for
    the rest, never 403, so that a number's existence does not leak."""
    if not user.is_authenticated or not user.is_active:
        return incidents.none()
    if user.is_agent:
        return incidents
    grants = ReportingGrant.objects.filter(reporter=user, on_behalf_of__is_active=True)
    return incidents.filter(Q(caller=user) | Q(caller__in=grants.values("on_behalf_of")))
