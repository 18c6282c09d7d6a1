"""Markdown rendering: useful formatting in, nothing that runs or tracks out."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from hypothesis import example, given, settings
from hypothesis import strategies as st

from hearth.lib.markdown import render_markdown

ALLOWED_TAGS = {"p", "br", "em", "strong", "del", "s", "blockquote", "ul", "ol", "li", "code", "pre", "hr", "a"}
SAFE_SCHEMES = {"http", "https", "mailto"}
REL = "nofollow noopener ugc"

# Pieces an attacker (or an unlucky paste) might combine; hypothesis mixes them with arbitrary text.
FRAGMENTS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<a href='javascript:alert(1)'>x</a>",
    "<iframe src=//evil.example>",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD4=)",
    "[x](vbscript:msgbox(1))",
    '[x](https://ok.example "title" onclick=alert(1))',
    "[x]: javascript:alert(1)\n\n[x]",
    "<javascript:alert(1)>",
    "![img](https://tracker.example/p.png)",
    "onclick=alert(1)",
    "`<script>`",
    "```\n<script>\n```",
    "**",
    "_",
    "> ",
    "\n\n",
    "    ",
    "1. ",
    "* ",
    "[",
    "](",
    ")",
    "<",
    ">",
    '"',
    "'",
    "&",
]

markdownish = st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=20)), max_size=12).map("".join)


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


def parsed_tags(html: str) -> list[tuple[str, dict[str, str | None]]]:
    collector = _Collector()
    collector.feed(html)
    collector.close()
    return [(tag, dict(attrs)) for tag, attrs in collector.tags]


def scheme_of(href: str) -> str | None:
    cleaned = re.sub(r"[\x00-\x20]", "", href).lower()
    match = re.match(r"^([a-z][a-z0-9+.-]*):", cleaned)
    return match.group(1) if match else None


def assert_safe(html: str) -> None:
    assert "<script" not in html.lower()
    # Text is escaped, so every "<…>" left in the output is a real tag: none may carry an event handler.
    for tag_text in re.findall(r"<[^>]*>", html):
        assert not re.search(r"\son\w+\s*=", tag_text, re.IGNORECASE), tag_text
    for tag, attrs in parsed_tags(html):
        assert tag in ALLOWED_TAGS, tag
        assert not any(name.lower().startswith("on") for name in attrs), (tag, attrs)
        if tag == "a":
            href = attrs.get("href") or ""
            assert scheme_of(href) in SAFE_SCHEMES | {None}, href
            assert "javascript:" not in href.lower()
            assert attrs.get("rel") == REL


@settings(max_examples=300, deadline=None, database=None)
@given(markdownish)
@example("<script>alert(1)</script>")
@example("[x](javascript:alert(1))")
@example("<img src=x onerror=alert(1)>")
def test_render_markdown_never_outputs_scripts_handlers_or_javascript_links(text):
    assert_safe(render_markdown(text))


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_render_markdown_is_safe_for_any_unicode_text(text):
    assert_safe(render_markdown(text))


def test_render_markdown_keeps_everyday_formatting():
    html = render_markdown("I **made it** through *today*.\n\n- walk\n- tea\n\n> be kind\n\n`code` and ~~old~~")

    assert "<strong>made it</strong>" in html
    assert "<em>today</em>" in html
    assert "<ul>\n<li>walk</li>\n<li>tea</li>\n</ul>" in html
    assert "<blockquote>" in html
    assert "<code>code</code>" in html
    assert "<s>old</s>" in html or "<del>old</del>" in html


def test_render_markdown_shows_raw_html_as_text():
    html = render_markdown("<b>bold?</b> <script>alert(1)</script>")

    assert "&lt;b&gt;bold?&lt;/b&gt;" in html
    assert "&lt;script&gt;" in html
    assert "<b>" not in html


def test_render_markdown_marks_links_nofollow_noopener_ugc():
    html = render_markdown("[Mind](https://www.mind.org.uk/) or [mail us](mailto:help@example.org)")

    assert '<a href="https://www.mind.org.uk/" rel="nofollow noopener ugc">Mind</a>' in html
    assert '<a href="mailto:help@example.org" rel="nofollow noopener ugc">mail us</a>' in html


def test_render_markdown_refuses_javascript_links():
    html = render_markdown("[click](javascript:alert(1))")

    assert "<a" not in html


def test_render_markdown_drops_images_so_nothing_can_track_readers():
    html = render_markdown("![pixel](https://tracker.example/p.png)")

    assert "<img" not in html
    assert "tracker.example" in html  # left as harmless text


def test_render_markdown_does_not_make_headings():
    html = render_markdown("# Big title\n\nTitle\n=====")

    assert "<h1" not in html
    assert "<h2" not in html


def test_render_markdown_does_not_link_bare_addresses():
    assert "<a" not in render_markdown("see https://example.org for more")
