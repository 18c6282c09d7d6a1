from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ForumsConfig(AppConfig):
    name = "hearth.forums"
    label = "forums"

    def ready(self) -> None:
        from hearth.forums.search_index import restore_after_migrate  # noqa: PLC0415 (models are ready now)

        post_migrate.connect(restore_after_migrate, sender=self, dispatch_uid="forums-search-triggers")
