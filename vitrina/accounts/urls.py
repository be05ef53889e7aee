from django.urls import path

from vitrina.accounts import email_views, views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password"),
    path("avatar/", views.avatar, name="avatar"),
    path("password/reset/", email_views.password_reset, name="password_reset"),
    path("password/reset/<str:uidb64>/<str:token>/", email_views.password_reset_confirm,
         name="password_reset_confirm"),
    path("email/", email_views.email_change, name="email"),
    path("email/resend/", email_views.email_resend, name="email_resend"),
    path("email/verify/<str:token>/", email_views.email_verify, name="email_verify"),
    path("email/confirm/<str:token>/", email_views.email_confirm, name="email_confirm"),
    path("username/", email_views.username_change, name="username"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/account/", views.settings_account, name="settings_account"),
    path("settings/language/", views.settings_language, name="settings_language"),
    path("security/", views.security, name="security"),
    path("security/revoke/", views.security_revoke, name="security_revoke"),
    path("security/revoke-others/", views.security_revoke_others, name="security_revoke_others"),
]
