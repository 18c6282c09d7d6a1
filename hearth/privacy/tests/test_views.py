"""The "Your data" page and the API's erasure operations."""

from __future__ import annotations

import pytest

from hearth.accounts.models import User
from hearth.accounts.services import create_api_token
from hearth.api.tests.helpers import bearer, get, post
from hearth.privacy.models import ErasureRequest
from hearth.privacy.tests.data import populate, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "correct horse battery staple"
PAGE = "/accounts/data/"
DELETE = "/accounts/data/delete/"


def test_the_page_explains_both_choices_and_when(member_client):
    response = member_client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Download my data" in text and "Delete my account" in text
    assert "within 7 days" in text and "Removed member" in text
    assert 'name="mfa_code"' not in text  # no two-factor set up


def test_the_page_asks_for_a_code_when_the_member_uses_two_factor(member, other_member, community, member_client):
    populate(member, other_member, community, tag="Kingfisher")
    assert 'name="mfa_code"' in member_client.get(PAGE).content.decode()


def test_the_page_says_at_once_when_the_operator_erases_at_once(member_client, settings):
    settings.HEARTH_ERASURE_DAYS = 0
    assert "erased straight away" in member_client.get(PAGE).content.decode()


def test_visitors_are_sent_to_sign_in(client):
    assert client.get(PAGE).status_code == 302
    assert client.post(DELETE, {"choice": "delete", "password": PASSWORD, "confirm": "on"}).status_code == 302


def test_a_wrong_password_keeps_the_account(member, member_client):
    response = member_client.post(DELETE, {"choice": "delete", "password": "nope", "confirm": "on"})
    assert response.status_code == 400
    assert "That password isn&#x27;t right." in response.content.decode()
    member.refresh_from_db()
    assert member.is_active


def test_the_choice_and_confirmation_are_required(member, member_client):
    response = member_client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    text = response.content.decode()
    assert "Choose what happens to what you wrote." in text and "Tick the box to confirm." in text
    member.refresh_from_db()
    assert member.is_active


def test_deleting_signs_out_and_closes_the_account(member, member_client):
    response = member_client.post(DELETE, {"choice": "keep", "password": PASSWORD, "confirm": "on"})
    assert response.status_code == 200
    assert "Your account is closed" in response.content.decode()
    assert "_auth_user_id" not in member_client.session
    member.refresh_from_db()
    assert not member.is_active
    assert ErasureRequest.objects.get().choice == "keep"


def test_deleting_with_two_factor_needs_the_code(member, other_member, community, member_client):
    populate(member, other_member, community, tag="Kingfisher")
    data = {"choice": "delete", "password": PASSWORD, "confirm": "on"}
    assert member_client.post(DELETE, data).status_code == 400
    assert member_client.post(DELETE, {**data, "mfa_code": "123456"}).status_code == 400
    member.refresh_from_db()
    assert member.is_active
    assert member_client.post(DELETE, {**data, "mfa_code": totp_code(member)}).status_code == 200


def test_the_delete_form_needs_csrf(member, csrf_client_for):
    browser = csrf_client_for(member)
    response = browser.post(DELETE, {"choice": "delete", "password": PASSWORD, "confirm": "on"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active


# --- API -------------------------------------------------------------------------------------------------


def test_the_api_shows_the_plan(member, client):
    _, secret = create_api_token(member, name="script")
    body = get(client, "/me/erasure", **bearer(secret)).json()
    assert body["erasure_days"] == 7 and body["mfa_required"] is False
    assert body["choices"] == ["delete", "keep"]


def test_the_api_erases_and_the_token_stops_working(member, client, settings):
    settings.HEARTH_ERASURE_DAYS = 0
    _, secret = create_api_token(member, name="script")
    wrong = post(client, "/me/erasure", {"password": "nope", "choice": "delete"}, **bearer(secret))
    assert wrong.status_code == 400 and wrong.json()["code"] == "wrong_password"
    invalid = post(client, "/me/erasure", {"password": PASSWORD, "choice": "everything"}, **bearer(secret))
    assert invalid.status_code == 422
    response = post(client, "/me/erasure", {"password": PASSWORD, "choice": "delete"}, **bearer(secret))
    assert response.status_code == 202
    assert response.json()["completed"] is True and response.json()["choice"] == "delete"
    assert not User.objects.filter(username=member.username).exists()
    assert get(client, "/me", **bearer(secret)).status_code == 401


def test_the_api_from_the_browser_needs_csrf(member, csrf_client_for):
    browser = csrf_client_for(member)
    response = post(browser, "/me/erasure", {"password": PASSWORD, "choice": "delete"})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.is_active


def test_the_api_limits_password_guesses(member, client):
    _, secret = create_api_token(member, name="script")
    codes = [
        post(client, "/me/erasure", {"password": "nope", "choice": "delete"}, **bearer(secret)).status_code
        for _ in range(6)
    ]
    assert codes == [400] * 5 + [429]


def test_another_member_is_untouched(member, other_member, client):
    _, secret = create_api_token(member, name="script")
    post(client, "/me/erasure", {"password": PASSWORD, "choice": "delete"}, **bearer(secret))
    other_member.refresh_from_db()
    assert other_member.is_active and other_member.has_usable_password()
    assert list(ErasureRequest.objects.values_list("user_id", flat=True)) == [member.id]
