from django.urls import path

from vitrina.accounts import views

app_name = "accounts"

urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("password/", views.password_change, name="password"),
    path("avatar/", views.avatar, name="avatar"),
    path("security/", views.security, name="security"),
    path("security/revoke/", views.security_revoke, name="security_revoke"),
    path("security/revoke-others/", views.security_revoke_others, name="security_revoke_others"),
]
