from __future__ import annotations

from django import forms

from hearth.core.forms import HearthForm
from hearth.listeners.models import Language, ListenerStatus, SupportTopic
from hearth.listeners.services import MAX_CHATS


class RequestForm(HearthForm):
    topics = forms.MultipleChoiceField(
        label="What would you like to talk about? (optional)",
        choices=SupportTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="We look for a listener who is happy to talk about this. You can talk about anything.",
    )
    language = forms.ChoiceField(label="Language", choices=Language.choices, initial=Language.EN)


class AvailabilityForm(HearthForm):
    status = forms.ChoiceField(label="Status", choices=ListenerStatus.choices, widget=forms.RadioSelect)
    topics = forms.MultipleChoiceField(
        label="Topics you're happy to listen about",
        choices=SupportTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to listen about anything.",
    )
    languages = forms.MultipleChoiceField(
        label="Languages you can chat in", choices=Language.choices, widget=forms.CheckboxSelectMultiple
    )
    max_chats = forms.IntegerField(label="Chats at a time", min_value=1, max_value=MAX_CHATS, initial=1)


class RatingForm(HearthForm):
    rating = forms.TypedChoiceField(
        label="How helpful was this chat?",
        coerce=int,
        choices=[(5, "5: very helpful"), (4, "4"), (3, "3"), (2, "2"), (1, "1: not helpful")],
        widget=forms.RadioSelect,
    )


class HandOverForm(HearthForm):
    reason = forms.CharField(
        label="Why a moderator is needed (only moderators see this)",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
