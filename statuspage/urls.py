from django.urls import path

from statuspage import views

app_name = "statuspage"
urlpatterns = [
    path("", views.status, name="status"),
]
