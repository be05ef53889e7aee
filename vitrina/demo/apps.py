from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "vitrina.demo"
    label = "demo"
