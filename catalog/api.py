"""Read-only catalog lists for integrations and the portal: which services, teams and
categories exist, so that clients can send their ids when reporting incidents."""

from django.db.models import QuerySet
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, viewsets
from rest_framework.permissions import IsAuthenticated

from accounts.models import User
from catalog.models import Category, Service, Team
from kernel.api.filters import FilterSet, IdFilter
from kernel.api.pagination import CursorPagination
from kernel.api.permissions import IsAgent
from kernel.api.schema import error_responses


class ByName(CursorPagination):
    # DRF takes a tuple of fields here; its stubs admit only one.
    ordering = ("name", "id")  # type: ignore[assignment]


class TeamRefSerializer(serializers.ModelSerializer[Team]):
    class Meta:
        model = Team
        fields = ("id", "name")


class ServiceSerializer(serializers.ModelSerializer[Service]):
    owner_team = TeamRefSerializer(read_only=True)
    criticality_display = serializers.CharField(source="get_criticality_display", read_only=True)

    class Meta:
        model = Service
        fields = (
            "id",
            "name",
            "description",
            "criticality",
            "criticality_display",
            "owner_team",
            "is_public",
        )
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer[Team]):
    class Meta:
        model = Team
        fields = ("id", "name", "email")
        read_only_fields = fields


class CategorySerializer(serializers.ModelSerializer[Category]):
    class Meta:
        model = Category
        fields = ("id", "name", "parent")
        read_only_fields = fields


@extend_schema(tags=["catalog"])
@extend_schema_view(
    list=extend_schema(responses={200: ServiceSerializer(many=True), **error_responses(401)}),
    retrieve=extend_schema(responses={200: ServiceSerializer, **error_responses(401, 404)}),
)
class ServiceViewSet(viewsets.ReadOnlyModelViewSet[Service]):
    """Active services; end users see the public ones only."""

    serializer_class = ServiceSerializer
    pagination_class = ByName
    filter_backends: list[type] = []

    def get_queryset(self) -> QuerySet[Service]:
        services = Service.objects.filter(is_active=True).select_related("owner_team")
        user = self.request.user
        if isinstance(user, User) and user.is_agent:
            return services
        return services.filter(is_public=True)


@extend_schema(tags=["catalog"])
@extend_schema_view(
    list=extend_schema(responses={200: TeamSerializer(many=True), **error_responses(401, 403)}),
    retrieve=extend_schema(responses={200: TeamSerializer, **error_responses(401, 403, 404)}),
)
class TeamViewSet(viewsets.ReadOnlyModelViewSet[Team]):
    """Active assignment groups; agents only."""

    serializer_class = TeamSerializer
    pagination_class = ByName
    filter_backends: list[type] = []
    permission_classes = (IsAuthenticated, IsAgent)
    queryset = Team.objects.filter(is_active=True)


class CategoryFilter(FilterSet):
    parent = IdFilter(help_text="A category's id: its subcategories.")

    class Meta:
        model = Category
        fields: list[str] = []


@extend_schema(tags=["catalog"])
@extend_schema_view(
    list=extend_schema(responses={200: CategorySerializer(many=True), **error_responses(400, 401)}),
    retrieve=extend_schema(responses={200: CategorySerializer, **error_responses(401, 404)}),
)
class CategoryViewSet(viewsets.ReadOnlyModelViewSet[Category]):
    """Active categories; ``?parent=<id>`` lists a category's subcategories."""

    serializer_class = CategorySerializer
    pagination_class = ByName
    filter_backends = [DjangoFilterBackend]
    filterset_class = CategoryFilter
    queryset = Category.objects.filter(is_active=True)
