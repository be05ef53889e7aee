from django.apps import AppConfig


class PushConfig(AppConfig):
    name = "vitrina.push"
    label = "push"
    default_auto_field = "django.db.models.BigAutoField"
