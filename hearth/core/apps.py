from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hearth.core"
    label = "core"

    def ready(self) -> None:
        from hearth.core import metrics  # noqa: PLC0415 (it reads models, which are loaded only now)

        metrics.connect_signals()
