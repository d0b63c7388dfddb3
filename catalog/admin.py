from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from accounts.admin_pickers import SafePickers
from catalog.models import Category, ConfigurationItem, Location, Service, Team


@admin.register(Team)
class TeamAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("name", "email", "manager", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "email")
    autocomplete_fields = ("manager", "members")
    list_select_related = ("manager",)


@admin.register(Service)
class ServiceAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("name", "owner_team", "criticality", "is_public", "is_active")
    list_filter = ("criticality", "is_public", "is_active", "owner_team")
    search_fields = ("name", "description")
    autocomplete_fields = ("owner_team",)
    list_select_related = ("owner_team",)


@admin.register(Category)
class CategoryAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("__str__", "parent", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name", "parent__name")
    autocomplete_fields = ("parent",)
    list_select_related = ("parent",)


@admin.register(Location)
class LocationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "is_active")
    list_filter = ("is_active",)
    search_fields = ("name",)


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(SafePickers, SimpleHistoryAdmin):
    list_display = ("name", "kind", "subtype", "service", "is_active")
    list_filter = ("is_active", "kind")
    search_fields = ("name", "kind", "subtype")
    autocomplete_fields = ("service",)
    list_select_related = ("service",)
