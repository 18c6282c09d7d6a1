from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hearth.accounts"
    label = "accounts"

    def ready(self) -> None:
        # Imported here: models can't be imported before the apps are ready.
        from allauth.mfa.signals import authenticator_added  # noqa: PLC0415

        from hearth.accounts.mfa import record_enrolment  # noqa: PLC0415

        authenticator_added.connect(record_enrolment, dispatch_uid="hearth-mfa-enrolment")
