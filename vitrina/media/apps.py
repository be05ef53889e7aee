from django.apps import AppConfig


class MediaConfig(AppConfig):
    name = "vitrina.media"
    label = "media"
