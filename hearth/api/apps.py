from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "hearth.api"
    label = "api"
