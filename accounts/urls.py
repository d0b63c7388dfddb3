"""The second factor's pages, under /admin/mfa/ (servicedesk.urls): staff pages, styled as
the admin's, reachable before the code is given (accounts.middleware)."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("verify/", views.verify, name="mfa_verify"),
    path("setup/", views.setup, name="mfa_setup"),
    path("setup/qr.svg", views.qr_code, name="mfa_qr"),
]
