"""The member's own safety plan. No URL here names a member: each page shows the plan of whoever is signed in,
so there is no address at which anyone (a moderator, an admin) could open somebody else's plan."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables

from hearth.core.errors import ApplicationError
from hearth.core.typealias import AuthedRequest
from hearth.safety.resources import country_for_request
from hearth.wellbeing.forms import SafetyPlanForm
from hearth.wellbeing.models import SafetyPlan
from hearth.wellbeing.selectors import own_safety_plan, suggested_professionals
from hearth.wellbeing.services import save_safety_plan


@method_decorator(login_required, name="dispatch")
@method_decorator(sensitive_post_parameters(), name="dispatch")
class SafetyPlanView(View):
    template_name = "wellbeing/safety_plan/index.html"

    def _render(
        self, request: AuthedRequest, plan: SafetyPlan | None, form: SafetyPlanForm, *, status: int = 200
    ) -> HttpResponse:
        context: dict[str, Any] = {"plan": plan if plan is not None and not plan.is_empty else None, "form": form}
        return render(request, self.template_name, context, status=status)

    def get(self, request: AuthedRequest) -> HttpResponse:
        plan = own_safety_plan(request.user)
        suggested = suggested_professionals(country_for_request(request)) if plan is None else []
        form = SafetyPlanForm(initial=SafetyPlanForm.initial_for(plan, suggested_professionals=suggested))
        return self._render(request, plan, form)

    @sensitive_variables()
    def post(self, request: AuthedRequest) -> HttpResponse:
        form = SafetyPlanForm(request.POST)
        if form.is_valid():
            try:
                save_safety_plan(request.user, sections=form.sections)
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, "Your safety plan is saved. It's here whenever you need it.")
                return redirect("wellbeing:safety-plan")
        # Everything typed comes back in the form, with each problem next to its section.
        return self._render(request, own_safety_plan(request.user), form, status=400)


@method_decorator(login_required, name="dispatch")
class SafetyPlanPrintView(View):
    """The plan as a plain page to print, or to keep as a file (?download=1). No JavaScript needed."""

    template_name = "wellbeing/safety_plan_print/index.html"

    def get(self, request: AuthedRequest) -> HttpResponse:
        plan = own_safety_plan(request.user)
        response = render(
            request, self.template_name, {"plan": plan if plan is not None and not plan.is_empty else None}
        )
        if request.GET.get("download"):
            response["Content-Disposition"] = 'attachment; filename="my-safety-plan.html"'
        return response
