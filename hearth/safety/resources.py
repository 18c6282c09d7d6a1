"""Crisis lines, read from the sourced data file once per process."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest

DATA_FILE = Path(__file__).parent / "data" / "crisis_resources.json"
MAX_AGE = timedelta(days=180)


@dataclass(frozen=True)
class Contact:
    kind: str  # call, text or chat
    value: str
    display: str
    body: str = ""

    @property
    def href(self) -> str:
        if self.kind == "call":
            return f"tel:{self.value}"
        if self.kind == "text":
            return f"sms:{self.value}" + (f"?&body={self.body}" if self.body else "")
        return self.value


@dataclass(frozen=True)
class Service:
    name: str
    contacts: tuple[Contact, ...]
    hours: str
    source: str
    last_verified: date | None


@dataclass(frozen=True)
class Country:
    code: str
    name: str
    emergency: str
    services: tuple[Service, ...]


@cache
def all_countries() -> dict[str, Country]:
    raw = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    countries: dict[str, Country] = {}
    for c in raw["countries"]:
        services = tuple(
            Service(
                name=s["name"],
                contacts=tuple(Contact(**contact) for contact in s["contacts"]),
                hours=s["hours"],
                source=s["source"],
                last_verified=date.fromisoformat(s["last_verified"]) if s["last_verified"] else None,
            )
            for s in c["services"]
        )
        countries[c["code"]] = Country(code=c["code"], name=c["name"], emergency=c["emergency"], services=services)
    return countries


def country_for_request(request: HttpRequest) -> Country:
    """The visitor's choice (?country=), else the region in their browser language, else the site default."""
    chosen = request.GET.get("country") or request.COOKIES.get("hearth_country") or ""
    return country_for(chosen, request.headers.get("Accept-Language", ""))


def country_for(chosen: str, accept_language: str) -> Country:
    """A chosen country code, else the region in the browser's language, else the site default."""
    countries = all_countries()
    chosen = chosen.upper()
    if chosen in countries:
        return countries[chosen]
    for part in accept_language.split(","):
        tag = part.split(";")[0].strip()
        if "-" in tag:
            region = tag.split("-")[-1].upper()
            if region in countries:
                return countries[region]
    return countries.get(settings.HEARTH_DEFAULT_COUNTRY.upper()) or next(iter(countries.values()))


def stale_services(today: date) -> list[tuple[Country, Service]]:
    """Records never verified, or verified longer ago than MAX_AGE."""
    return [
        (country, service)
        for country in all_countries().values()
        for service in country.services
        if service.last_verified is None or today - service.last_verified > MAX_AGE
    ]
