"""The one API router. Each app registers its ViewSets here."""

from rest_framework.routers import DefaultRouter

router = DefaultRouter()
