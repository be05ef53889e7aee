from django.apps import AppConfig


class TimelineConfig(AppConfig):
    name = "vitrina.timeline"
    label = "timeline"
