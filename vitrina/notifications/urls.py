from django.urls import path

from vitrina.notifications import views

app_name = "notifications"

urlpatterns = [
    path("notifications/", views.notifications, name="list"),
    path("accounts/settings/notifications/", views.notification_settings, name="settings"),
]
