from django.urls import path

from portal.views import account, incidents, report

app_name = "portal"
urlpatterns = [
    path("", account.home, name="home"),
    path("accounts/login/", account.LoginView.as_view(), name="login"),
    path("accounts/logout/", account.LogoutView.as_view(), name="logout"),
    path("accounts/password-reset/", account.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password-reset/sent/",
        account.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password-reset/<uidb64>/<token>/",
        account.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password-reset/complete/",
        account.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("report/", report.report_start, name="report"),
    path("report/<int:service_id>/", report.report, name="report_service"),
    path("incidents/", incidents.incident_list, name="incidents"),
    path("incidents/<str:number>/", incidents.incident_detail, name="incident"),
    path("incidents/<str:number>/reply/", incidents.incident_reply, name="reply"),
    path("incidents/<str:number>/confirm/", incidents.incident_confirm, name="confirm"),
    path("incidents/<str:number>/reopen/", incidents.incident_reopen, name="reopen"),
    path(
        "incidents/<str:number>/attachments/<int:attachment_id>/",
        incidents.attachment_download,
        name="attachment",
    ),
]
