"""The thread page's posts as HTML, each rendered once and reused for as long as nothing it shows changes.

What a post looks like depends on the post and on its reader: content warnings, the unread marker, the author's
label, what the reader may do, their own reactions. `post_view` gathers, for one post and one reader, every value
the post template reads into a plain dict, and the template is given that dict alone (no request, no user), so
the dict determines the HTML. Fragments are kept under a hash of that dict: an edit, a hidden or deleted post, a
new reaction, a moderator's note or another reader's preferences make a different key, so no entry ever needs
invalidating and no reader can be given HTML made for another.

Forms in a post carry the reader's CSRF token, which must never be shared: fragments are rendered with a random
placeholder, unknown outside this process, and each request puts its own token in its place. Fragments are kept
in the process (a bounded least-recently-used map), not in Redis: a hit then costs no round trip.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from django.template.loader import get_template
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from hearth.forums.models import ContentStatus

if TYPE_CHECKING:
    from django.http import HttpRequest

    from hearth.forums.models import Post
    from hearth.forums.selectors import PostPage

POST_TEMPLATE = "forums/includes/post.html"
# About 3 KB each: a few thousand posts' fragments per process.
MAX_FRAGMENTS = 4000
_CSRF_PLACEHOLDER = f"csrf{secrets.token_hex(16)}"


class FragmentCache:
    """A thread-safe map of the most recently used fragments, at most `size` of them."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def get(self, key: str) -> str | None:
        with self._lock:
            html = self._items.get(key)
            if html is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return html

    def set(self, key: str, html: str) -> None:
        with self._lock:
            self._items[key] = html
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.hits = self.misses = 0


fragments = FragmentCache(MAX_FRAGMENTS)


def post_view(post: Post, *, reader_id: int | None, moderator: bool) -> dict[str, Any]:
    """Everything the post template shows of `post` (decorated by `thread_posts` for this reader)."""
    own = reader_id is not None and post.author_id == reader_id
    published = post.status == ContentStatus.PUBLISHED
    return {
        "id": post.id,
        "number": post.number,
        "author_label": post.author_label,  # type: ignore[attr-defined]
        "can_reveal_author": post.can_reveal_author,  # type: ignore[attr-defined]
        "created_at": post.created_at,
        "edited_at": post.edited_at,
        "can_see_history": own or moderator,
        "is_own": own,
        "is_unread": post.is_unread,  # type: ignore[attr-defined]
        "topic_labels": list(post.topic_labels),  # type: ignore[attr-defined]
        "warnings": list(post.warnings),  # type: ignore[attr-defined]
        "hidden_deleted": post.hidden_deleted,  # type: ignore[attr-defined]
        "is_deleted": post.deleted_at is not None,
        "status": post.status,
        "moderator_note": post.moderator_note,
        "label_resources": post.label_resources,  # type: ignore[attr-defined]
        "body_html": post.body_html,
        "reaction_summary": post.reaction_summary,  # type: ignore[attr-defined]
        "can_react": post.can_react,  # type: ignore[attr-defined]
        "can_edit": post.can_edit,  # type: ignore[attr-defined]
        "can_delete": post.can_delete,  # type: ignore[attr-defined]
        "can_report": not own and published,
    }


def _key(view: dict[str, Any]) -> str:
    # Dates are shown in the active time zone and language; the view holds the rest.
    where = (timezone.get_current_timezone_name(), translation.get_language())
    return hashlib.blake2b(repr((where, view)).encode(), digest_size=20).hexdigest()


def render_post(view: dict[str, Any]) -> str:
    """The post's HTML with the CSRF placeholder in its forms (cached)."""
    key = _key(view)
    html = fragments.get(key)
    if html is None:
        html = get_template(POST_TEMPLATE).render({"post": view, "csrf_token": _CSRF_PLACEHOLDER})
        fragments.set(key, html)
    return html


def render_posts(request: HttpRequest, page: PostPage, *, moderator: bool, csrf_token: str) -> list[SafeString]:
    """The HTML of each post on the page, for the reader making this request, with the page's CSRF token."""
    reader_id = request.user.id if request.user.is_authenticated else None
    views = [post_view(post, reader_id=reader_id, moderator=moderator) for post in page.posts]
    # The template escaped everything it was given, and the token is letters and digits.
    return [mark_safe(render_post(view).replace(_CSRF_PLACEHOLDER, csrf_token)) for view in views]  # nosec B308, B703
