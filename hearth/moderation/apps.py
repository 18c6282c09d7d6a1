from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "hearth.moderation"
    label = "moderation"
