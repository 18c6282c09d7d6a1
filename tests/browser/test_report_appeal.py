"""Report → hide → appeal → decided by another moderator, in a real browser, with axe on each page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hearth.communities.models import MembershipRole
from hearth.core.testing.factories import CommunityFactory, UserFactory, make_member, make_thread

from .test_forum_flow import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_report_hide_appeal(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    author = make_member(community, username="BrightRobin21")
    make_member(community, username="KindMaple40")
    make_member(community, username="SteadyCedar", role=MembershipRole.MODERATOR)
    UserFactory(username="HarbourLight", is_global_moderator=True)
    thread = make_thread(community, author=author, title="Respite", body="Does anyone use respite care at weekends?")
    base = live_server.url

    # A member reports the post.
    reporter = new_page()
    sign_in(reporter, base, "KindMaple40")
    reporter.goto(f"{base}/threads/{thread.id}/")
    reporter.locator("#post-1").get_by_role("link", name=re.compile("^Report")).click()
    expect(reporter.get_by_role("heading", name="Report a post")).to_be_visible()
    check_axe(reporter, label="report form")
    reporter.get_by_label("Bullying or harassment").check()
    reporter.get_by_role("button", name="Send report").click()
    expect(reporter.get_by_text("Thank you for telling us.")).to_be_visible()

    # The community moderator hides it, with a reason.
    moderator = new_page()
    sign_in(moderator, base, "SteadyCedar")
    moderator.goto(f"{base}/moderation/")
    moderator.locator(".queue-item").filter(has_text="Reported post").get_by_role("link").click()
    expect(moderator.get_by_role("heading", name="Why it is here")).to_be_visible()
    check_axe(moderator, label="queue item for a report")
    # A private message with an email address in it is refused, and comes back as it was typed.
    outreach = "Write to me at steady.cedar@example.org if you want to talk."
    moderator.get_by_label("A private message to BrightRobin21").fill(outreach)
    moderator.get_by_role("button", name="Send").click()
    expect(moderator.get_by_text("This includes an email address.")).to_be_visible()
    expect(moderator.get_by_label("A private message to BrightRobin21")).to_have_value(outreach)
    check_axe(moderator, label="queue item with a refused message")
    moderator.get_by_label("A private message to BrightRobin21").fill("How are you doing? Reply here any time.")
    moderator.get_by_role("button", name="Send").click()
    expect(moderator.get_by_text("Done. The member has been told")).to_be_visible()
    moderator.get_by_label("Reason (the member will see it)").fill("It reads as unkind to another carer.")
    moderator.get_by_role("button", name="Hide from members").click()
    expect(moderator.get_by_text("Done. The member has been told")).to_be_visible()

    # The author is told, and appeals.
    writer = new_page()
    sign_in(writer, base, "BrightRobin21")
    writer.get_by_role("link", name=re.compile("^Notifications")).click()
    expect(writer.get_by_text("A moderator has hidden your post")).to_be_visible()
    writer.goto(f"{base}/moderation/decisions/")
    check_axe(writer, label="decisions about me")
    writer.get_by_role("link", name="Appeal this decision").click()
    expect(writer.get_by_label("Why should this decision change?")).to_be_visible()
    check_axe(writer, label="appeal form")
    writer.get_by_label("Why should this decision change?").fill("It was a genuine question about respite care.")
    writer.get_by_role("button", name="Send appeal").click()
    expect(writer.get_by_text("Your appeal is sent.")).to_be_visible()

    # Another moderator changes the decision; the author is told and the post is back.
    second = new_page()
    sign_in(second, base, "HarbourLight")
    second.goto(f"{base}/moderation/")
    second.locator(".queue-item").filter(has_text="Appeal").get_by_role("link").click()
    expect(second.get_by_text("It was a genuine question about respite care.")).to_be_visible()
    check_axe(second, label="appeal in the queue")
    second.get_by_label("Reason (the member will see it)").fill("You're right: it was a fair question.")
    second.get_by_role("button", name="Change the decision").click()
    expect(second.get_by_text("Done. The member has been told")).to_be_visible()
    writer.goto(f"{base}/notifications/")
    expect(writer.get_by_text("Your appeal has been decided: the decision was changed")).to_be_visible()
    reporter.goto(f"{base}/threads/{thread.id}/")
    expect(reporter.get_by_text("Does anyone use respite care at weekends?")).to_be_visible()
