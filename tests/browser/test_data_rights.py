"""A member downloads everything Hearth holds about them, then deletes their account, in real Chromium."""

from __future__ import annotations

import json
import zipfile

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from hearth.accounts.models import User
from hearth.core.testing.factories import CommunityFactory, make_member
from hearth.privacy.tests.data import populate

from .test_forum_flow import PASSWORD, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_download_the_data_then_delete_the_account(live_server, new_page, check_axe):
    community = CommunityFactory(name="Carers", slug="carers")
    member = make_member(community, username="AmberWren30")
    other = make_member(community, username="PatientLark5")
    populate(member, other, community, tag="Kingfisher")
    # Two-factor confirmation is tested without a browser (hearth/privacy/tests); here sign-in stays simple.
    Authenticator.objects.filter(user=member).delete()
    base = live_server.url

    page = new_page()
    sign_in(page, base, member.username)
    page.goto(f"{base}/members/{member.username}/")
    page.get_by_role("link", name="Your data").click()
    expect(page.get_by_role("heading", name="Your data", level=1)).to_be_visible()
    check_axe(page, label="your data page")

    # 1. The download: a ZIP of JSON files and a readable summary.
    with page.expect_download() as info:
        page.get_by_role("button", name="Download my data").click()
    download = info.value
    assert download.suggested_filename.startswith("hearth-data-") and member.username not in download.suggested_filename
    with zipfile.ZipFile(download.path()) as archive:
        profile = json.loads(archive.read("profile.json"))
        posts = json.loads(archive.read("posts.json"))
        summary = archive.read("index.html").decode()
    assert profile["pseudonym"] == member.username
    assert any(p["body"] == "Secret words Kingfisher." and p["is_anonymous"] for p in posts)
    reader = new_page()
    reader.set_content(summary)
    expect(reader.get_by_role("heading", name="Your Hearth data")).to_be_visible()
    check_axe(reader, label="export summary")

    # 2. A wrong password changes nothing, and the form says why.
    page.get_by_label("Keep my posts as 'Removed member'").check()
    page.get_by_label("Your password").fill("not my password")
    page.get_by_label("I understand that my account closes now").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("alert")).to_contain_text("That password isn't right.")
    check_axe(page, label="delete form with an error")
    assert User.objects.get(id=member.id).is_active

    # 3. Deleting for real: the account closes at once.
    page.get_by_label("Keep my posts as 'Removed member'").check()
    page.get_by_label("Your password").fill(PASSWORD)
    page.get_by_label("I understand that my account closes now").check()
    page.get_by_role("button", name="Delete my account").click()
    expect(page.get_by_role("heading", name="Your account is closed")).to_be_visible()
    check_axe(page, label="account closed")
    assert not User.objects.get(id=member.id).is_active

    # 4. Nobody can sign in to it again.
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Pseudonym").fill(member.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state("load")
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto(f"{base}/accounts/data/")
    expect(page).to_have_url(f"{base}/accounts/login/?next=/accounts/data/")
