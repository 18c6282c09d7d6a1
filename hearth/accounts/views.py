from __future__ import annotations

from typing import Any

from allauth.account.views import SignupView as BaseSignupView
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View

from hearth.accounts.blocks import block_kind
from hearth.accounts.forms import ApiTokenForm, PreferencesForm, ProfileForm
from hearth.accounts.mfa import has_mfa, holds_staff_role, mfa_verified
from hearth.accounts.pseudonyms import suggest_pseudonyms
from hearth.accounts.services import create_api_token, revoke_api_token, update_preferences, update_profile
from hearth.accounts.sessions import end_all_sessions, end_other_sessions, end_session, signed_in_sessions
from hearth.communities.selectors import visible_memberships_of
from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.lib.ratelimit import check_rate_limit
from hearth.permissions import access_member, holds_moderator_role
from hearth.safety.services import parse_acknowledged, redact_own_details
from hearth.safety.submission import submit_screened


class SignupView(BaseSignupView):  # type: ignore[misc]
    """allauth's sign-up, with generated pseudonym suggestions."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context: dict[str, Any] = super().get_context_data(**kwargs)
        context["pseudonym_suggestions"] = self._suggestions
        return context

    def get_initial(self) -> dict[str, Any]:
        self._suggestions = suggest_pseudonyms()
        initial: dict[str, Any] = super().get_initial()
        initial.setdefault("username", self._suggestions[0])
        return initial


def email_addresses_not_offered(request: HttpRequest) -> HttpResponse:
    raise Http404


class MemberProfileView(View):
    def get(self, request: HttpRequest, pseudonym: str) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        member = access_member(pseudonym)
        communities = visible_memberships_of(request.user, member.id) if member.show_communities else []
        return render(
            request,
            "accounts/member_profile/index.html",
            {
                "member": member,
                "communities": communities,
                "is_self": member.id == request.user.id,
                "block_state": block_kind(request.user.id, member.id),
            },
        )


@method_decorator(login_required, name="dispatch")
class ProfileEditView(View):
    template_name = "accounts/profile_edit/index.html"

    def get(self, request: AuthedRequest) -> HttpResponse:
        user = request.user
        form = ProfileForm(initial={"bio": user.bio, "show_communities": user.show_communities})
        return render(request, self.template_name, {"form": form})

    def post(self, request: AuthedRequest) -> HttpResponse:
        data = request.POST.copy()
        if request.POST.get("redact"):
            data["bio"] = redact_own_details(data.get("bio", ""))
        form = ProfileForm(data)
        outcome = submit_screened(
            form,
            lambda fields: update_profile(
                request.user, **fields, acknowledged=parse_acknowledged(request.POST.getlist("acknowledge"))
            ),
        )
        if outcome.result is not None:
            messages.success(request, "Your profile is saved.")
            return redirect("member-profile", pseudonym=request.user.username)
        nudge = outcome.nudge
        return render(request, self.template_name, {"form": form, "nudge": nudge}, status=outcome.status)


@method_decorator(login_required, name="dispatch")
class PreferencesView(View):
    template_name = "accounts/preferences/index.html"

    def get(self, request: AuthedRequest) -> HttpResponse:
        user = request.user
        form = PreferencesForm(
            initial={
                "hidden_topics": user.hidden_topics,
                "muted_words": "\n".join(user.muted_words),
                "theme": user.theme,
                "text_size": user.text_size,
                "reduce_motion": user.reduce_motion,
            }
        )
        return render(request, self.template_name, {"form": form})

    def post(self, request: AuthedRequest) -> HttpResponse:
        form = PreferencesForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                update_preferences(
                    request.user,
                    hidden_topics=data["hidden_topics"],
                    muted_words=data["muted_words"].splitlines(),
                    theme=data["theme"],
                    text_size=data["text_size"],
                    reduce_motion=data["reduce_motion"],
                )
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your preferences are saved.")
                return redirect("accounts:preferences")
        return render(request, self.template_name, {"form": form}, status=400)


@method_decorator(login_required, name="dispatch")
class ApiTokensView(View):
    template_name = "accounts/api_tokens/index.html"

    def _render(
        self, request: AuthedRequest, form: ApiTokenForm, *, secret: str = "", status: int = 200
    ) -> HttpResponse:
        tokens = request.user.api_tokens.order_by("-created_at")
        return render(request, self.template_name, {"form": form, "tokens": tokens, "secret": secret}, status=status)

    def get(self, request: AuthedRequest) -> HttpResponse:
        return self._render(request, ApiTokenForm())

    def post(self, request: AuthedRequest) -> HttpResponse:
        if "revoke" in request.POST:
            try:
                revoke_api_token(request.user, token_id=int(request.POST["revoke"]))
            except (ApplicationError, ValueError):
                messages.error(request, "That token doesn't exist.")
            else:
                messages.success(request, "The token is revoked.")
            return redirect("accounts:api-tokens")
        form = ApiTokenForm(request.POST)
        if form.is_valid():
            try:
                check_rate_limit("token", key=str(request.user.id))
                _, secret = create_api_token(request.user, name=form.cleaned_data["name"])
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                return self._render(request, ApiTokenForm(), secret=secret)
        return self._render(request, form, status=400)


@method_decorator(login_required, name="dispatch")
class SessionsView(View):
    """Where the member is signed in; sign out one device, every other device, or everywhere."""

    template_name = "accounts/sessions/index.html"

    def get(self, request: AuthedRequest) -> HttpResponse:
        sessions = signed_in_sessions(request.user, current_key=request.session.session_key)
        return render(request, self.template_name, {"sessions": sessions})

    def post(self, request: AuthedRequest) -> HttpResponse:
        action = request.POST.get("action", "")
        if action == "everywhere":
            end_all_sessions(request, request.user)
            return redirect("account_login")
        if action == "others":
            ended = end_other_sessions(request, request.user)
            messages.success(request, f"Signed out of {ended} other session{'s' if ended != 1 else ''}.")
        elif action == "end":
            try:
                ended_one = end_session(request, request.user, session_id=int(request.POST.get("session", "")))
            except ValueError:
                ended_one = False
            if ended_one:
                messages.success(request, "That session is signed out.")
            else:
                messages.error(request, "That session has already ended.")
        return redirect("accounts:sessions")


@method_decorator(login_required, name="dispatch")
class MfaRequiredView(View):
    """Where a moderator, professional or admin lands when a power needs two-factor authentication first."""

    template_name = "accounts/mfa_required/index.html"

    def get(self, request: AuthedRequest) -> HttpResponse:
        next_url = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
            next_url = ""
        user = request.user
        context = {
            "next": next_url,
            "has_mfa": has_mfa(user),
            "verified": mfa_verified(user),
            "has_powers": holds_staff_role(user) or holds_moderator_role(user),
        }
        return render(request, self.template_name, context, status=200 if context["verified"] else 403)
