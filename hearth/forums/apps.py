from django.apps import AppConfig


class ForumsConfig(AppConfig):
    name = "hearth.forums"
    label = "forums"
