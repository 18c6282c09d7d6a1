from django.apps import AppConfig


class ChatConfig(AppConfig):
    name = "hearth.chat"
    label = "chat"
