from __future__ import annotations

from typing import Any

from django import forms

from hearth.core.forms import HearthForm
from hearth.privacy.models import ErasureChoice


class ErasureForm(HearthForm):
    choice = forms.ChoiceField(
        label="What happens to what you wrote",
        choices=ErasureChoice.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what happens to what you wrote."},
    )
    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        error_messages={"required": "Enter your password to confirm."},
    )
    mfa_code = forms.CharField(
        label="Code from your authenticator app, or a recovery code",
        required=False,
        max_length=64,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
    )
    confirm = forms.BooleanField(
        label="I understand that my account closes now and that this cannot be undone.",
        error_messages={"required": "Tick the box to confirm."},
    )

    def __init__(self, *args: Any, mfa: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if mfa:
            self.fields["mfa_code"].required = True
            self.fields["mfa_code"].error_messages["required"] = "Enter a code to confirm."
        else:
            del self.fields["mfa_code"]
