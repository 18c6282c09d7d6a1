"""Markdown for everything people write: rendered once at write time, then sanitised."""

from __future__ import annotations

import nh3
from markdown_it import MarkdownIt

# "html": False turns raw HTML into text; nh3 then removes anything unsafe that Markdown could still build.
# Headings and images are off: a post's headings would break the page outline, and images can track readers.
_md = (
    MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    .enable("strikethrough")
    .disable(["heading", "lheading", "image"])
)

_ALLOWED_TAGS = {
    "p",
    "br",
    "em",
    "strong",
    "del",
    "s",
    "blockquote",
    "ul",
    "ol",
    "li",
    "code",
    "pre",
    "hr",
    "a",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}
_URL_SCHEMES = {"http", "https", "mailto"}


def render_markdown(text: str) -> str:
    html = _md.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes=_URL_SCHEMES,
        link_rel="nofollow noopener ugc",
    )
