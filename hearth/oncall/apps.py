from django.apps import AppConfig


class OncallConfig(AppConfig):
    name = "hearth.oncall"
    label = "oncall"
    verbose_name = "On call"
