from __future__ import annotations

from typing import Any

from allauth.account.adapter import get_adapter
from allauth.account.forms import LoginForm as BaseLoginForm
from allauth.account.forms import SignupForm as BaseSignupForm
from django import forms
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from hearth.accounts.models import SensitiveTopic, TextSize, Theme, User
from hearth.accounts.services import check_pseudonym_against_email
from hearth.core.errors import ApplicationError
from hearth.core.forms import HearthForm


class SignupForm(BaseSignupForm):  # type: ignore[misc]
    confirm_age = forms.BooleanField(required=True)
    accept_guidelines = forms.BooleanField(
        required=True,
        label="I have read and accept the community guidelines",
        error_messages={"required": "Please read and accept the community guidelines to join."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "Pseudonym"
        self.fields[
            "username"
        ].help_text = "The only name others will see. Don't use your real name, email or phone number."
        self.fields["username"].widget.attrs.pop("placeholder", None)
        self.fields["email"].label = "Email (optional)"
        self.fields["email"].help_text = "Only for recovering your account. Never shown to anyone."
        self.fields["email"].widget.attrs.pop("placeholder", None)
        for name in ("password1", "password2"):
            self.fields[name].widget.attrs.pop("placeholder", None)
        self.fields["password1"].help_text = "At least 10 characters. A few unrelated words work well."
        min_age = settings.HEARTH_MIN_AGE
        self.fields["confirm_age"].label = f"I am {min_age} or older"
        self.fields["confirm_age"].error_messages = {"required": f"You need to be {min_age} or older to join Hearth."}

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        pseudonym, email = cleaned.get("username") or "", cleaned.get("email") or ""
        if pseudonym and email:
            try:
                check_pseudonym_against_email(pseudonym, email)
            except ApplicationError as exc:
                self.add_error("username", exc.message)
        return cleaned

    def save(self, request: HttpRequest) -> User:
        """allauth's save without `setup_user_email`, which would copy the address into allauth's table in clear:
        Hearth keeps it only on the account, encrypted (the adapter's `save_user` puts it there)."""
        if self.account_already_exists:
            raise ValueError("An account already uses this address.")
        adapter = get_adapter()
        user: User = adapter.save_user(request, adapter.new_user(request), self)
        self.custom_signup(request, user)
        return user

    def signup(self, request: HttpRequest, user: User) -> None:
        now = timezone.now()
        user.age_confirmed_at = now
        user.guidelines_accepted_at = now
        user.save(update_fields=["age_confirmed_at", "guidelines_accepted_at"])


class LoginForm(BaseLoginForm):  # type: ignore[misc]
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["login"].label = "Pseudonym"
        self.fields["login"].widget.attrs.pop("placeholder", None)
        self.fields["password"].widget.attrs.pop("placeholder", None)
        if "remember" in self.fields:
            self.fields["remember"].label = "Keep me signed in on this device"


class ProfileForm(HearthForm):
    bio = forms.CharField(
        label="About you (optional)",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="Up to 500 characters. Markdown works. Avoid details that could identify you.",
    )
    show_communities = forms.BooleanField(label="Show which communities I belong to on my profile", required=False)


class PreferencesForm(HearthForm):
    hidden_topics = forms.MultipleChoiceField(
        label="Collapse posts about these topics",
        choices=SensitiveTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Posts marked with these topics stay collapsed behind a warning until you choose to open them.",
    )
    muted_words = forms.CharField(
        label="Muted words and phrases",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One per line. Posts containing them are collapsed behind a warning.",
    )
    theme = forms.ChoiceField(label="Theme", choices=Theme.choices, widget=forms.RadioSelect)
    text_size = forms.ChoiceField(label="Text size", choices=TextSize.choices, widget=forms.RadioSelect)
    reduce_motion = forms.BooleanField(label="Reduce motion", required=False)


class ApiTokenForm(HearthForm):
    name = forms.CharField(label="Token name", max_length=60, help_text="So you remember what it's for.")
