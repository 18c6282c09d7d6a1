"""What safe rendered user text looks like, checked with the standard library's HTML parser."""

from __future__ import annotations

import re
from html.parser import HTMLParser

# The renderer's allow-list (hearth/lib/markdown.py), restated so that widening it takes a deliberate test change.
ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "s", "blockquote", "ul", "ol", "li", "code", "pre", "hr", "a"}
ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}}
SAFE_SCHEMES = {"http", "https", "mailto"}
VOID_TAGS = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.starts: list[tuple[str, dict[str, str | None]]] = []
        self.open: list[str] = []
        self.unbalanced: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))
        if tag not in VOID_TAGS:
            self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.starts.append((tag, dict(attrs)))

    def handle_endtag(self, tag: str) -> None:
        if self.open and self.open[-1] == tag:
            self.open.pop()
        else:
            self.unbalanced.append(tag)

    def handle_comment(self, data: str) -> None:
        self.unbalanced.append("<!--")

    def handle_decl(self, decl: str) -> None:
        self.unbalanced.append("<!")

    def handle_pi(self, data: str) -> None:
        self.unbalanced.append("<?")


def url_scheme(url: str) -> str | None:
    """The scheme a browser would see in an attribute value the parser has already decoded: control characters
    and whitespace dropped, as URL parsing does."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def problems_in(rendered: str) -> list[str]:
    """Everything unsafe or malformed in renderer output; an empty list means it is safe to put in a page."""
    collector = _Collector()
    collector.feed(rendered)
    collector.close()
    found: list[str] = []
    for tag, attrs in collector.starts:
        if tag not in ALLOWED_TAGS:
            found.append(f"tag <{tag}>")
        for name, value in attrs.items():
            if name not in ALLOWED_ATTRIBUTES.get(tag, set()):
                found.append(f"attribute {name}= on <{tag}>")
            if name == "href" and url_scheme(value or "") not in SAFE_SCHEMES | {None}:
                found.append(f"href {value!r}")
        if tag == "a" and attrs.get("rel") != "nofollow noopener ugc":
            found.append(f"link without rel: {attrs}")
    if collector.open or collector.unbalanced:
        found.append(f"unbalanced markup: open {collector.open}, stray {collector.unbalanced}")
    return found
