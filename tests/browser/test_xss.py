"""Every payload of the XSS corpus, through every text field people write that a page shows, opened in Chromium.

Thread titles, post bodies, bios and chat messages go in through the real API over HTTP (chat messages also reach an
open room live, through chat.js); the rest through the services the pages call. Each page is then checked three
ways: no payload reported itself (window.__xss, a dialog, the title, a navigation, or a request to another host);
the DOM holds no event-handler attribute, javascript:/vbscript:/data: URL, or element that loads or runs code; and
every payload is really on the page, so nothing passes by going missing.

The browser ignores the Content-Security-Policy here, so this proves the markup itself is inert: the policy is a
second line of defence, not the one these tests lean on.
"""

from __future__ import annotations

import itertools
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from playwright.sync_api import expect

from hearth.accounts.services import create_api_token, update_profile
from hearth.chat.services import lobby_for, schedule_session
from hearth.communities.models import Membership, MembershipRole
from hearth.core.testing.factories import CommunityFactory, make_member
from hearth.forums.models import Post, Thread
from hearth.forums.services import add_reply
from hearth.lib.markdown import render_markdown
from hearth.moderation.appeals import appeal_decision
from hearth.moderation.models import AuditLogEntry, QueueItem
from hearth.moderation.reports import report_post
from hearth.moderation.services import hide_item
from hearth.safety.services import NudgeRequired
from hearth.wellbeing.sections import MAX_ITEMS, SECTION_KEYS
from hearth.wellbeing.services import save_safety_plan
from tests.browser.test_forum_flow import sign_in
from tests.security.xss_payloads import PAYLOADS, batches

pytestmark = pytest.mark.django_db(transaction=True)

ACKNOWLEDGE = ["own_details", "harsh_words"]  # the corpus trips the personal-details nudge; post past it
EVERYTHING = "\n\n".join(p.text for p in PAYLOADS)

# Run in the page after it loads: everything in the DOM that could run code, load something, or navigate.
DOM_PROBLEMS = """() => {
  const problems = [];
  const dangerous = /^(javascript|vbscript|data):/i;
  const urlAttributes = ['href', 'src', 'action', 'formaction', 'data', 'background', 'poster', 'xlink:href',
                         'srcset', 'srcdoc', 'ping', 'codebase', 'cite', 'longdesc', 'lowsrc', 'dynsrc'];
  for (const el of document.querySelectorAll('*')) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      if (name.startsWith('on')) problems.push(`${el.tagName} ${name}=`);
      if (urlAttributes.includes(name) && dangerous.test(attr.value.replace(/[\\x00-\\x20]/g, '')))
        problems.push(`${el.tagName} ${name}=${attr.value.slice(0, 60)}`);
      if (name === 'style' && /url\\(|expression/i.test(attr.value)) problems.push(`${el.tagName} style=`);
    }
  }
  for (const s of document.scripts) {
    const own = s.src && new URL(s.src).origin === location.origin && new URL(s.src).pathname.startsWith('/static/');
    if (!own && s.type !== 'application/json') problems.push(`script ${s.src || s.textContent.slice(0, 60)}`);
  }
  const forbidden = 'iframe, frame, frameset, object, embed, applet, base, svg, math, img, video, audio, source, ' +
                    'template, xmp, noembed, meta[http-equiv], body link, body style, marquee, isindex';
  for (const el of document.querySelectorAll(forbidden)) problems.push(`element <${el.tagName.toLowerCase()}>`);
  const allowed = new Set(['P','BR','EM','STRONG','DEL','S','BLOCKQUOTE','UL','OL','LI','CODE','PRE','HR','A']);
  for (const el of document.querySelectorAll('.post-body *'))
    if (!allowed.has(el.tagName)) problems.push(`<${el.tagName.toLowerCase()}> in user content`);
  return problems;
}"""


class Watch:
    """One browser context that records anything a payload could do if it ran."""

    def __init__(self, browser, base_url: str) -> None:
        self.base = base_url
        self.host = urlsplit(base_url).netloc
        self.context = browser.new_context(bypass_csp=True, viewport={"width": 1000, "height": 900})
        self.context.set_default_timeout(15_000)
        self.ran: list[str] = []
        self.context.expose_binding("__xss", lambda source, payload_id: self.ran.append(f"__xss({payload_id})"))
        self.context.route("**/*", self._only_our_host)
        self.page = self.context.new_page()
        self.page.on("dialog", self._dialog)
        self.page.on("framenavigated", self._navigated)

    def _only_our_host(self, route) -> None:
        url = route.request.url
        if urlsplit(url).netloc == self.host:
            route.continue_()
        else:
            self.ran.append(f"request to {url[:80]}")
            route.abort()

    def _dialog(self, dialog) -> None:
        self.ran.append(f"{dialog.type}({dialog.message[:40]})")
        dialog.dismiss()

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame and not frame.url.startswith(self.base):
            self.ran.append(f"navigation to {frame.url[:80]}")

    def check(self, path: str, texts: list[str], *, reload: bool = True) -> None:
        """Open `path` and fail if anything ran, if the DOM holds anything dangerous, or if a payload is missing."""
        page = self.page
        if reload:
            page.goto(self.base + path)
        page.wait_for_load_state("load")
        page.wait_for_timeout(200)  # time for any error, load, focus or toggle event to fire
        assert not self.ran, f"{path}: payloads ran: {self.ran}"
        assert not page.title().startswith("xss:"), page.title()
        problems = page.evaluate(DOM_PROBLEMS)
        assert not problems, f"{path}: dangerous markup: {problems[:10]}"
        html = page.content()
        expected = [p.id for p in PAYLOADS if any(p.id in text for text in texts)]
        missing = [pid for pid in expected if pid not in html]
        assert expected, f"{path}: no payloads were written to this page"
        assert not missing, f"{path}: payloads not on the page: {missing}"

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watch(browser, asgi_server):
    """Pages are served by uvicorn (HTTP and the chat websockets), so chat messages can arrive live."""
    opened: list[Watch] = []

    def make() -> Watch:
        opened.append(Watch(browser, asgi_server))
        return opened[-1]

    yield make
    for w in opened:
        w.close()


@pytest.fixture
def hostile_world(settings):
    settings.HEARTH_API_RATE_LIMITS = {}  # hundreds of writes in a few seconds
    settings.HEARTH_PAGE_SIZE = 500  # every thread and reply on one page
    community = CommunityFactory(
        name="Open door",
        slug="open-door",
        description=EVERYTHING,
        guidelines=EVERYTHING,
        guidelines_html=render_markdown(EVERYTHING),
    )
    writer = make_member(community, username="MossyHeron5")
    moderator = make_member(community, role=MembershipRole.MODERATOR, username="SteadyWren8")
    _, token = create_api_token(writer, name="xss")
    return SimpleNamespace(community=community, writer=writer, moderator=moderator, token=token)


def api(watch: Watch, token: str, method: str, path: str, data: dict) -> dict:
    response = watch.context.request.fetch(
        f"{watch.base}/api/v1{path}", method=method, data=data, headers={"Authorization": f"Bearer {token}"}
    )
    assert response.ok, (path, response.status, response.text()[:300])
    return response.json()


def test_no_payload_runs_in_threads_posts_bios_or_community_pages(watch, hostile_world):
    community, writer, token = hostile_world.community, hostile_world.writer, hostile_world.token
    w = watch()

    # Through the API: a thread per payload (its title), the whole corpus in one body, each payload as a reply.
    titles = [p.text for p in PAYLOADS]
    for title in titles:
        api(w, token, "POST", f"/communities/{community.slug}/threads",
            {"title": title, "body": "Something to read.", "acknowledge": ACKNOWLEDGE})  # fmt: skip
    created = api(w, token, "POST", f"/communities/{community.slug}/threads",
                  {"title": "All of them", "body": EVERYTHING, "acknowledge": ACKNOWLEDGE})  # fmt: skip
    thread_id = created["thread"]["id"]
    for payload in PAYLOADS:
        api(w, token, "POST", f"/threads/{thread_id}/posts", {"body": payload.text, "acknowledge": ACKNOWLEDGE})
    opening = Post.objects.get(thread_id=thread_id, number=1)

    # Bios: the first through the API, the rest through the service, a member each.
    bios = batches(500)
    api(w, token, "PATCH", "/me/profile", {"bio": bios[0], "acknowledge": ACKNOWLEDGE})
    bio_authors = [writer.username]
    for number, bio in enumerate(bios[1:], start=1):
        member = make_member(community, username=f"QuietBio{number}")
        update_profile(member, bio=bio, show_communities=True, acknowledged=frozenset(ACKNOWLEDGE))
        bio_authors.append(member.username)

    sign_in(w.page, w.base, writer.username)
    w.check(f"/communities/{community.slug}/", [*titles, EVERYTHING])
    w.check(f"/threads/{thread_id}/", [EVERYTHING])
    w.check(f"/posts/{opening.id}/edit/", [EVERYTHING])
    w.check(f"/posts/{opening.id}/history/", [EVERYTHING])
    # Search matches words, and every payload thread's opening post says "Something to read.".
    w.check("/search/?q=something+to+read", titles)
    w.check("/communities/", [EVERYTHING])
    for username, bio in zip(bio_authors, bios, strict=True):
        w.check(f"/members/{username}/", [bio])
    w.check("/accounts/profile/", [bios[0]])


def test_no_payload_runs_in_group_sessions_nor_in_chat_live_or_reloaded(watch, hostile_world):
    community, writer, token = hostile_world.community, hostile_world.writer, hostile_world.token
    w = watch()
    sign_in(w.page, w.base, writer.username)

    # Group sessions first (SQLite would lock against the chat sockets' writes): many payloads to a title, the
    # corpus again in the descriptions; the page lists 20. Session text cannot post past the personal-details
    # nudge, so the few payloads that trip it are left out here.
    titles = [t for t in batches(120, separator=" ") if len(t) <= 120]  # a few payloads are longer alone
    descriptions = batches(2000)
    soon = timezone.now() + timedelta(days=1)
    shown: list[str] = []
    for number, (title, description) in enumerate(itertools.zip_longest(titles, descriptions, fillvalue="")):
        if len(shown) >= 2 * 20:
            break
        try:
            schedule_session(
                hostile_world.moderator,
                community,
                title=title or "Another session",
                description=description,
                opens_at=soon + timedelta(minutes=number),
                minutes=60,
            )
        except NudgeRequired:
            continue
        shown += [title, description]
    assert len(shown) >= 30
    w.check(f"/chat/communities/{community.slug}/sessions/", shown)

    # A room shows its last 50 messages, so the corpus is spread over the lobbies of a few communities.
    rooms = [lobby_for(community)]
    for number in range(1, 4):
        other = CommunityFactory(slug=f"open-door-{number}")
        Membership.objects.create(user=writer, community=other)
        rooms.append(lobby_for(other))
    chunks = [[p.text for p in PAYLOADS[i : i + 49]] for i in range(0, len(PAYLOADS), 49)]
    chunks[0].append(batches(4000)[0])
    assert len(chunks) <= len(rooms)
    sent = 0
    for room, messages in zip(rooms, chunks, strict=False):
        w.page.goto(f"{w.base}/chat/rooms/{room.id}/")
        expect(w.page.locator("#chat-status")).to_contain_text("Live")
        # Sent through the API while the room is open: chat.js puts each one into the page as it arrives.
        for body in messages:
            sent += 1
            api(w, token, "POST", f"/chat/rooms/{room.id}/messages",
                {"body": body, "client_id": f"xss-message-{sent:04d}", "acknowledge": ACKNOWLEDGE})  # fmt: skip
        expect(w.page.locator(f"#m-{len(messages)}")).to_be_attached()
        w.check(f"/chat/rooms/{room.id}/", messages, reload=False)
        w.check(f"/chat/rooms/{room.id}/", messages)  # and as the server renders them


def test_no_payload_runs_in_reports_moderator_notes_appeals_or_decisions(watch, hostile_world):
    community, moderator, token = hostile_world.community, hostile_world.moderator, hostile_world.token
    thread_author = make_member(community, username="PlainSparrow4")
    author = watch()
    thread = api(author, token, "POST", f"/communities/{community.slug}/threads",
                 {"title": "Reported posts", "body": "Here they come."})["thread"]  # fmt: skip
    reasons = batches(1000)
    post_type = ContentType.objects.get_for_model(Post)
    appeals = batches(2000)
    posts = []
    for number, reason in enumerate(reasons):
        post = add_reply(thread_author, Thread.objects.get(id=thread["id"]), body=f"Reply {number} to be reported.")
        reporter = make_member(community, username=f"Reporter{number}")
        report_post(reporter, post, reason="harassment", details=reason)
        item = QueueItem.objects.get(content_type=post_type, object_id=post.id)
        hide_item(moderator, item, reason=reason)
        posts.append((post, item))
    entries = list(AuditLogEntry.objects.filter(subject=thread_author).order_by("id"))
    appeal_items = [
        appeal_decision(thread_author, entry, statement=statement).queue_item
        for entry, statement in zip(entries, appeals, strict=False)
    ]

    # The author sees the notes on their hidden posts, the decisions and the notifications.
    sign_in(author.page, author.base, thread_author.username)
    author.check(f"/threads/{thread['id']}/", [r[:300] for r in reasons])
    author.check("/moderation/decisions/", reasons)
    author.check("/notifications/", [r[:100] for r in reasons])

    # The moderator sees report details and moderator reasons on each item, and each appeal.
    mod = watch()
    sign_in(mod.page, mod.base, moderator.username)
    for (_, item), reason in zip(posts, reasons, strict=True):
        mod.check(f"/moderation/items/{item.id}/", [reason])
    for appeal_item, statement in zip(appeal_items, appeals, strict=False):
        mod.check(f"/moderation/items/{appeal_item.id}/", [statement])


def test_no_payload_runs_in_a_safety_plan(watch, hostile_world):
    writer = hostile_world.writer
    items = batches(300, separator=" ")
    assert len(items) <= MAX_ITEMS * len(SECTION_KEYS)
    sections = {key: items[i * MAX_ITEMS : (i + 1) * MAX_ITEMS] for i, key in enumerate(SECTION_KEYS)}
    save_safety_plan(writer, sections=sections)
    w = watch()
    sign_in(w.page, w.base, writer.username)
    w.check("/safety-plan/", items)
    w.check("/safety-plan/print/", items)


def test_the_watch_catches_a_payload_that_runs_or_markup_that_could(watch):
    """The opposite case: if user text were not made safe, these checks would fail."""
    w = watch()
    w.page.goto(f"{w.base}/guidelines/")
    w.page.evaluate("() => window.__xss('p001')")
    with pytest.raises(AssertionError, match="payloads ran"):
        w.check("/guidelines/", [PAYLOADS[0].id], reload=False)

    w = watch()
    w.page.goto(f"{w.base}/guidelines/")
    w.page.evaluate("""() => document.querySelector('main').insertAdjacentHTML('beforeend',
        `<p class="post-body"><a href=" javascript:void('p001')">x</a><b title="p001">x</b></p>`)""")
    with pytest.raises(AssertionError, match=r"dangerous markup: .*A href= javascript.*<b> in user content"):
        w.check("/guidelines/", [PAYLOADS[0].id], reload=False)
