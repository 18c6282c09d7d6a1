"""The member's own data: download it, or delete the account. No URL names a member: each page is about
whoever is signed in."""

from __future__ import annotations

from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpResponse
from django.shortcuts import render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters

from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.privacy.erasure import request_erasure
from hearth.privacy.export import build_export, export_filename
from hearth.privacy.forms import ErasureForm
from hearth.privacy.selectors import erasure_plan

TEMPLATE = "privacy/your_data/index.html"


def _render(request: AuthedRequest, form: ErasureForm, *, status: int = 200) -> HttpResponse:
    return render(request, TEMPLATE, {"form": form, "plan": erasure_plan(request.user)}, status=status)


@method_decorator(login_required, name="dispatch")
class YourDataView(View):
    def get(self, request: AuthedRequest) -> HttpResponse:
        return _render(request, ErasureForm(mfa=erasure_plan(request.user).mfa_required))


@method_decorator(login_required, name="dispatch")
class ExportView(View):
    """POST only, so a link or an image elsewhere cannot start a download of someone's data."""

    def post(self, request: AuthedRequest) -> FileResponse:
        return FileResponse(
            build_export(request.user),
            as_attachment=True,
            filename=export_filename(),
            content_type="application/zip",
        )


@method_decorator(login_required, name="dispatch")
@method_decorator(sensitive_post_parameters("password", "mfa_code"), name="dispatch")
class DeleteAccountView(View):
    def post(self, request: AuthedRequest) -> HttpResponse:
        plan = erasure_plan(request.user)
        form = ErasureForm(request.POST, mfa=plan.mfa_required)
        if not form.is_valid():
            return _render(request, form, status=400)
        data = form.cleaned_data
        try:
            erasure = request_erasure(
                request.user, password=data["password"], choice=data["choice"], mfa_code=data.get("mfa_code", "")
            )
        except ApplicationError as exc:
            form.add_error(None, exc.message)
            return _render(request, form, status=exc.status)
        logout(request)
        return render(request, "privacy/account_closed/index.html", {"erasure": erasure, "plan": plan})
