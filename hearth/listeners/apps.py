from django.apps import AppConfig


class ListenersConfig(AppConfig):
    name = "hearth.listeners"
    label = "listeners"
