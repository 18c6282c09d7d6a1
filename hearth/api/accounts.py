"""Accounts: sign-up, pseudonym suggestions, the caller's account, public profiles and personal API tokens."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from hearth.accounts.pseudonyms import suggest_pseudonyms
from hearth.accounts.services import create_api_token, revoke_api_token, sign_up, update_preferences, update_profile
from hearth.api.auth import OPTIONAL_AUTH, OPTIONAL_AUTH_OPENAPI, SessionAuth, member_of, viewer_of
from hearth.api.ratelimit import check_signup_rate_limit
from hearth.api.schemas.accounts import (
    MeOut,
    PreferencesIn,
    PreferencesOut,
    ProfileIn,
    ProfileOut,
    PseudonymSuggestionsOut,
    SignupIn,
    TokenCreatedOut,
    TokenIn,
    TokenOut,
)
from hearth.api.schemas.common import AUTH, UNSAFE, NudgeOut, Text, errors
from hearth.communities.selectors import visible_memberships_of
from hearth.lib.ratelimit import check_rate_limit
from hearth.permissions import access_api_token, access_member
from hearth.safety.services import parse_acknowledged, redact_own_details

router = Router()


@router.post("/accounts/signup", auth=None, response={201: MeOut, **errors(400, 409, 422, 429)})
def signup(request: HttpRequest, payload: SignupIn) -> Status[MeOut]:
    """Create an account. It is not signed in: sign in from the browser, then create an API token."""
    check_signup_rate_limit(request)
    user = sign_up(
        pseudonym=payload.pseudonym,
        password=payload.password,
        email=payload.email,
        confirm_age=payload.confirm_age,
        accept_guidelines=payload.accept_guidelines,
    )
    return Status(201, MeOut.from_user(user))


@router.get(
    "/accounts/pseudonym-suggestions",
    auth=OPTIONAL_AUTH,
    openapi_extra=OPTIONAL_AUTH_OPENAPI,
    response={200: PseudonymSuggestionsOut, **errors(401)},
)
def pseudonym_suggestions(request: HttpRequest) -> PseudonymSuggestionsOut:
    """A few friendly pseudonyms that don't identify anyone. Not checked for availability."""
    return PseudonymSuggestionsOut(suggestions=suggest_pseudonyms())


@router.get("/me", response={200: MeOut, **errors(*AUTH)})
def get_me(request: HttpRequest) -> MeOut:
    return MeOut.from_user(member_of(request))


@router.patch("/me/profile", response={200: MeOut, **errors(*UNSAFE), 409: NudgeOut})
def patch_profile(request: HttpRequest, payload: ProfileIn) -> MeOut:
    """Your bio passes the safety pipeline, like a post: a 409 lists what to confirm first."""
    user = member_of(request)
    bio = user.bio if payload.bio is None else payload.bio
    user = update_profile(
        user,
        bio=redact_own_details(bio) if payload.redact else bio,
        show_communities=user.show_communities if payload.show_communities is None else payload.show_communities,
        acknowledged=parse_acknowledged([n.value for n in payload.acknowledge]),
    )
    return MeOut.from_user(user)


@router.patch("/me/preferences", response={200: PreferencesOut, **errors(*UNSAFE)})
def patch_preferences(request: HttpRequest, payload: PreferencesIn) -> PreferencesOut:
    user = member_of(request)
    user = update_preferences(
        user,
        hidden_topics=user.hidden_topics if payload.hidden_topics is None else [t.value for t in payload.hidden_topics],
        muted_words=user.muted_words if payload.muted_words is None else payload.muted_words,
        theme=user.theme if payload.theme is None else payload.theme.value,
        text_size=user.text_size if payload.text_size is None else payload.text_size.value,
        reduce_motion=user.reduce_motion if payload.reduce_motion is None else payload.reduce_motion,
    )
    return PreferencesOut.from_user(user)


@router.get("/me/tokens", response={200: list[TokenOut], **errors(*AUTH)})
def list_tokens(request: HttpRequest) -> list[TokenOut]:
    user = member_of(request)
    return [TokenOut.from_token(t) for t in user.api_tokens.order_by("-created_at", "-id")]


@router.post("/me/tokens", auth=[SessionAuth()], response={201: TokenCreatedOut, **errors(*UNSAFE, 429)})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[TokenCreatedOut]:
    """Create a personal API token. Browser session only: a token cannot mint more tokens."""
    user = member_of(request)
    check_rate_limit("token", key=str(user.id))
    token, secret = create_api_token(user, name=payload.name)
    return Status(201, TokenCreatedOut.from_new_token(token, secret))


@router.delete("/me/tokens/{token_id}", response={204: None, **errors(*UNSAFE, 404)})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    user = member_of(request)
    token = access_api_token(user, token_id)
    revoke_api_token(user, token_id=token.id)
    return Status(204, None)


@router.get("/members/{pseudonym}", response={200: ProfileOut, **errors(*AUTH, 404, 422)})
def get_member(request: HttpRequest, pseudonym: Text) -> ProfileOut:
    """A member's public profile. Communities only if they chose to show them, and only those you can read."""
    viewer = viewer_of(request)
    member = access_member(pseudonym)
    communities = visible_memberships_of(viewer, member.id) if member.show_communities else None
    return ProfileOut.from_user(member, communities)
