from django.urls import path

from statuspage import feeds, subscription_views, summary, views

app_name = "statuspage"
urlpatterns = [
    path("", views.status, name="status"),
    path("incidents/<str:number>/", views.incident, name="incident"),
    path("services/<int:pk>/", views.service, name="service"),
    path("feed.atom", feeds.StatusFeed(), name="feed"),
    path("api/summary.json", summary.summary_json, name="summary"),
    path("subscribe/", subscription_views.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", subscription_views.confirm, name="confirm"),
    path("unsubscribe/<str:token>/", subscription_views.unsubscribe, name="unsubscribe"),
]
