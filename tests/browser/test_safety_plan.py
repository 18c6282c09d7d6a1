"""A member's own safety plan in a real browser: written, corrected, saved, printed, and offered first when a
post of theirs shows crisis risk. axe-core checks every page visited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from hearth.core.testing.factories import CommunityFactory, make_member

from .test_forum_flow import sign_in
from .test_safety_flow import CRISIS

pytestmark = pytest.mark.django_db(transaction=True)

COPING = "Put on my big headphones and the rain playlist"
PERSON = "My sister Ana, text her any time"
REASON = "Biscuit, who needs his walk every morning"


def test_a_member_writes_a_plan_and_it_comes_first_when_they_need_help(live_server, new_page, check_axe):
    community = CommunityFactory(name="Anxiety and Depression", slug="anxiety-depression")
    make_member(community, username="TenderFinch33")
    base = live_server.url

    page = new_page()
    sign_in(page, base, "TenderFinch33", check_axe=check_axe)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Safety plan").click()
    expect(page.get_by_role("heading", name="My safety plan", level=1)).to_be_visible()
    # A new plan starts with the crisis lines of the member's country, ready to change.
    expect(page.get_by_label("Professionals and crisis lines I can contact")).to_have_value(re.compile("Samaritans"))
    check_axe(page, label="new safety plan")

    # Too many reasons: the problem is named next to its part, and nothing typed is lost.
    page.get_by_label("My warning signs").fill("I stop answering messages\nI can't sleep")
    page.get_by_label("Things I can do on my own to cope").fill(f"{COPING}\nA hot shower")
    page.get_by_label("People I can ask for help").fill(PERSON)
    reasons = page.get_by_label("My reasons for living, and what matters to me")
    reasons.fill("\n".join([REASON, *(f"Reason {i}" for i in range(2, 13))]))
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_role("alert").filter(has_text="Your plan isn't saved yet")).to_be_visible()
    expect(page.get_by_text("can hold up to 10 things, and there are 12")).to_be_visible()
    expect(page.get_by_label("People I can ask for help")).to_have_value(PERSON)
    expect(page.get_by_label("Things I can do on my own to cope")).to_have_value(re.compile(COPING))
    check_axe(page, label="safety plan with a validation error")

    page.get_by_label("My reasons for living, and what matters to me").fill(f"{REASON}\nSeeing the sea again")
    page.get_by_role("button", name="Save my plan").click()
    expect(page.get_by_text("Your safety plan is saved.")).to_be_visible()
    expect(page.get_by_role("heading", name="Change my plan")).to_be_visible()
    expect(page.get_by_role("listitem").filter(has_text=re.compile(rf"^{re.escape(REASON)}$"))).to_be_visible()
    check_axe(page, label="saved safety plan")

    page.get_by_role("link", name="Print it or save it as a page").click()
    expect(page.get_by_role("heading", name="My safety plan", level=1)).to_be_visible()
    expect(page.get_by_text(PERSON)).to_be_visible()
    check_axe(page, label="printable safety plan")

    # Later, a post that shows crisis risk: their own plan is offered first, above the crisis lines.
    page.goto(f"{base}/communities/anxiety-depression/new/")
    page.get_by_label("Title").fill("Tonight")
    page.get_by_label("Your message").fill(CRISIS)
    page.get_by_role("button", name="Post thread").click()
    panel = page.get_by_role("region", name=re.compile("You don't have to face it alone"))
    expect(panel).to_be_visible()
    plan = panel.get_by_role("region", name="Your safety plan")
    expect(plan).to_be_visible()
    for text in (COPING, PERSON, REASON):
        expect(plan.get_by_text(text)).to_be_visible()
    expect(plan.get_by_text("I stop answering messages")).to_have_count(0)
    expect(plan.get_by_role("link", name="Your whole safety plan")).to_be_visible()
    crisis_line = panel.get_by_role("link", name=re.compile("116 123"))
    expect(crisis_line).to_be_visible()
    assert plan.bounding_box()["y"] + plan.bounding_box()["height"] <= crisis_line.bounding_box()["y"]
    assert plan.evaluate(
        "(plan, line) => Boolean(plan.compareDocumentPosition(line) & Node.DOCUMENT_POSITION_FOLLOWING)",
        crisis_line.element_handle(),
    )
    check_axe(page, label="thread page with the help panel and the member's plan")


def test_the_plan_works_without_javascript(live_server, browser, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    make_member(community, username="AmberWren30")
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "AmberWren30")
        page.goto(f"{live_server.url}/safety-plan/")
        page.get_by_label("Things I can do on my own to cope").fill(COPING)
        page.get_by_label("People I can ask for help").fill("x" * 301)
        page.get_by_role("button", name="Save my plan").click()
        expect(page.get_by_text("item 1 is 301 characters long")).to_be_visible()
        expect(page.get_by_label("Things I can do on my own to cope")).to_have_value(COPING)
        page.get_by_label("People I can ask for help").fill(PERSON)
        page.get_by_role("button", name="Save my plan").click()
        expect(page.get_by_text("Your safety plan is saved.")).to_be_visible()
        page.get_by_role("link", name="Print it or save it as a page").click()
        expect(page.get_by_text(PERSON)).to_be_visible()
    finally:
        context.close()
