from django.apps import AppConfig


class LiveConfig(AppConfig):
    name = "vitrina.live"
    label = "live"
