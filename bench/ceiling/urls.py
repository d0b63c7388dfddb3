from django.contrib import admin
from django.urls import path

from ceiling import views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("tickets/", views.tickets),
    path("tickets/<int:pk>/", views.retrieve),
    path("alerts/", views.alerts),
    path("metrics/aggregate/", views.mtt_aggregate),
    path("metrics/breaching/", views.breaching_soon),
    path("search/", views.search),
    path("home/", views.home),
    path("record/<int:pk>/", views.record),
]
