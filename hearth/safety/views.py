from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from hearth.safety.resources import all_countries, country_for_request


def get_help(request: HttpRequest) -> HttpResponse:
    country = country_for_request(request)
    response = render(
        request,
        "safety/get_help/index.html",
        {"country": country, "countries": sorted(all_countries().values(), key=lambda c: c.name)},
    )
    if request.GET.get("country", "").upper() == country.code:
        response.set_cookie("hearth_country", country.code, max_age=60 * 60 * 24 * 365, samesite="Lax")
    return response
