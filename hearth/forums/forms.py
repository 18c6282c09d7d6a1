from __future__ import annotations

from django import forms

from hearth.accounts.models import SensitiveTopic
from hearth.core.forms import HearthForm
from hearth.forums.selectors import SEARCH_QUERY_LENGTH
from hearth.forums.services import MAX_BODY, MAX_TITLE

_TOPICS_HELP = "Readers who hide these topics see your post collapsed behind a warning."
_ANONYMOUS_HELP = 'Other members see "Anonymous member". Moderators can still see it\'s you, to keep everyone safe.'


class PostFields(HearthForm):
    body = forms.CharField(
        label="Your message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="Markdown works: **bold**, *italic*, lists and links.",
        error_messages={"required": "Write something before posting."},
    )
    topics = forms.MultipleChoiceField(
        label="Content warnings",
        choices=SensitiveTopic.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_TOPICS_HELP,
    )


class ThreadForm(PostFields):
    title = forms.CharField(
        label="Title", max_length=MAX_TITLE, error_messages={"required": "Give your thread a title."}
    )
    anonymous = forms.BooleanField(label="Post anonymously", required=False, help_text=_ANONYMOUS_HELP)
    field_order = ["title", "body", "topics", "anonymous"]


class ReplyForm(PostFields):
    anonymous = forms.BooleanField(label="Reply anonymously", required=False, help_text=_ANONYMOUS_HELP)

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.fields["body"].label = "Your reply"
        self.fields["body"].widget.attrs["rows"] = 5


class EditPostForm(PostFields):
    title = forms.CharField(label="Title", max_length=MAX_TITLE, required=False)
    field_order = ["title", "body", "topics"]


class SearchForm(HearthForm):
    q = forms.CharField(label="Search", min_length=SEARCH_QUERY_LENGTH[0], max_length=SEARCH_QUERY_LENGTH[1])
