from django.urls import path

from oncall import views

app_name = "oncall"
urlpatterns = [
    path("acknowledge/<str:token>/", views.acknowledge, name="acknowledge"),
    path("schedules/<str:token>.ics", views.schedule_feed, name="feed"),
]
