"""Property-based tests of the Markdown renderer: whatever people type, it renders, and only safe HTML comes out.

hypothesis runs derandomized and without its example database, so CI sees the same inputs on every run.
"""

from __future__ import annotations

import nh3
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hearth.forums.services import MAX_BODY
from hearth.lib.markdown import render_markdown

from .html_checks import ALLOWED_TAGS, SAFE_SCHEMES, problems_in
from .xss_payloads import PAYLOADS

ALLOWED_LINK_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}}  # rel is added by link_rel
PROPERTIES = settings(max_examples=250, deadline=None, database=None, derandomize=True)
LONG = settings(max_examples=15, deadline=None, database=None, derandomize=True)

# Any code point but lone surrogates, which cannot reach the renderer: Django decodes request bodies as UTF-8.
any_character = st.characters(exclude_categories=("Cs",))
any_text = st.text(any_character, max_size=400)
controls = st.characters(min_codepoint=0, max_codepoint=0x20) | st.sampled_from(
    ["\x7f", "\u0085", "\u00a0", "\u200b", "\u200d", "\u2028", "\u2029", "\u202e", "\u2066", "\ufeff", "\ufffd"]
)
DANGEROUS_URLS = [
    "javascript:window.__xss('u1')",
    "JaVaScRiPt:window.__xss('u2')",
    " javascript:window.__xss('u3')",
    "java\tscript:window.__xss('u4')",
    "java\nscript:window.__xss('u5')",
    "&#106;avascript:window.__xss('u6')",
    "&#x6A;avascript&#58;window.__xss('u7')",
    "javascript&colon;window.__xss('u8')",
    "\x01javascript:window.__xss('u9')",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoJ3UxMCcpPC9zY3JpcHQ+",
    "data:image/svg+xml,<svg onload=window.__xss('u11')>",
    "file:///etc/passwd",
    "//evil.example/x",
    "https://ok.example/a?b=<c>&d='e'\"",
]
MARKDOWN_PIECES = [
    "*",
    "**",
    "_",
    "__",
    "~~",
    "`",
    "```\n",
    "> ",
    "- ",
    "1. ",
    "99999999999. ",
    "    ",
    "\n",
    "\n\n",
    "---\n",
    "[",
    "]",
    "](",
    ")",
    "![",
    "<",
    ">",
    "&",
    "&amp;",
    "&#0;",
    "&#x110000;",
    '"',
    "'",
    "\\",
    "[ref]",
    "[ref]: ",
    "<https://ok.example>",
    "<mailto:a@b.example>",
    "# ",
    "===\n",
    "<!--",
    "-->",
    "<![CDATA[",
    "]]>",
    "{{ request.user }}",
    "{% debug %}",
    "${7*7}",
]


@st.composite
def markdown_links(draw: st.DrawFn) -> str:
    url = draw(st.sampled_from(DANGEROUS_URLS) | any_text)
    label = draw(st.text(any_character, max_size=12))
    title = draw(st.sampled_from(["", ' "t"', " 'onmouseover=alert(1)'", ' "x" onclick=alert(1)']))
    form = draw(
        st.sampled_from(["[{l}]({u}{t})", "[{l}](<{u}>{t})", "![{l}]({u}{t})", "<{u}>", "[{l}]\n\n[{l}]: {u}{t}"])
    )
    return form.format(l=label, u=url, t=title)


piece = st.one_of(
    st.sampled_from(MARKDOWN_PIECES),
    st.sampled_from(PAYLOADS).map(lambda p: p.text),
    markdown_links(),
    controls,
    st.text(any_character, max_size=20),
)
markdownish = st.lists(piece, max_size=30).map("".join)


@st.composite
def deeply_nested(draw: st.DrawFn) -> str:
    """Blockquotes, lists and emphasis nested far past what anyone writes, around a hostile core."""
    depth = draw(st.integers(min_value=1, max_value=300))
    openers = draw(st.lists(st.sampled_from(["> ", "- ", "1. ", "* ", "  ", "**", "_", "[", "~~"]), min_size=1))
    core = draw(piece)
    prefix = "".join(openers[i % len(openers)] for i in range(depth))
    return prefix + core + "".join(reversed(prefix)) + "\n" + prefix + core


def assert_safe(text: str) -> None:
    rendered = render_markdown(text)
    assert isinstance(rendered, str)
    problems = problems_in(rendered)
    assert not problems, (text[:200], problems)
    # Sanitising the output again changes nothing: there is nothing left for the sanitiser to remove.
    assert (
        nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_LINK_ATTRIBUTES,
            url_schemes=SAFE_SCHEMES,
            link_rel="nofollow noopener ugc",
        )
        == rendered
    )
    assert render_markdown(text) == rendered  # deterministic, so a stored rendering matches a fresh one


@PROPERTIES
@given(any_text)
def test_any_unicode_text_renders_to_safe_html(text):
    assert_safe(text)


@PROPERTIES
@given(markdownish)
@example("[x](javascript:window.__xss('e1'))")
@example("<javascript:window.__xss('e2')>")
@example("[a]: javascript:window.__xss('e3')\n\n[a]")
@example("![x](x) [y](data:text/html,<script>window.__xss('e4')</script>)")
@example("<img src=x onerror=window.__xss('e5')>")
def test_markdown_built_from_hostile_pieces_renders_to_safe_html(text):
    assert_safe(text)


@PROPERTIES
@given(deeply_nested())
def test_deeply_nested_markdown_renders_to_safe_html(text):
    assert_safe(text)


@PROPERTIES
@given(st.lists(controls, max_size=60).map("".join), markdown_links())
def test_control_and_invisible_characters_never_smuggle_a_link(noise, link):
    assert_safe(noise + link + noise)
    assert_safe(link.replace(":", noise + ":", 1))


@LONG
@given(markdownish.filter(bool), st.integers(min_value=1, max_value=MAX_BODY))
def test_inputs_as_long_as_a_post_allows_render_to_safe_html(chunk, length):
    text = (chunk * (length // len(chunk) + 1))[:length]
    assert_safe(text)


def test_the_whole_xss_corpus_renders_to_safe_html():
    for payload in PAYLOADS:
        assert_safe(payload.text)
