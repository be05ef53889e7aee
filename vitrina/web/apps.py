from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vitrina.web"
    label = "web"
