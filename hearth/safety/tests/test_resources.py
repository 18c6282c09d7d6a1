"""Crisis lines: every record complete and sourced, the right country for each visitor, and stale records listed."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core.management import call_command
from django.test import RequestFactory

from hearth.safety import resources
from hearth.safety.resources import (
    DATA_FILE,
    MAX_AGE,
    Contact,
    Country,
    Service,
    all_countries,
    country_for_request,
    stale_services,
)

SERVICES = [(country, service) for country in all_countries().values() for service in country.services]
RAW = json.loads(DATA_FILE.read_text(encoding="utf-8"))


def service_id(item: tuple[Country, Service]) -> str:
    return f"{item[0].code}-{item[1].name}"


# --- The data file -------------------------------------------------------------------------------------


def test_every_country_in_the_file_is_loaded_once():
    codes = [c["code"] for c in RAW["countries"]]

    assert len(codes) == len(set(codes)), "duplicate country code"
    assert list(all_countries()) == codes


@pytest.mark.parametrize("country", list(all_countries().values()), ids=lambda c: c.code)
def test_every_country_has_a_code_name_emergency_number_and_a_service(country):
    assert len(country.code) == 2 and country.code.isupper()
    assert country.name.strip()
    assert country.emergency.strip()
    assert country.services


@pytest.mark.parametrize("item", SERVICES, ids=service_id)
def test_every_service_has_name_contacts_hours_source_and_verification_date(item):
    _, service = item
    assert service.name.strip()
    assert service.contacts
    assert service.hours.strip()
    source = urlsplit(service.source)
    assert source.scheme in {"http", "https"}
    assert source.netloc
    assert service.last_verified is None or isinstance(service.last_verified, dt.date)


@pytest.mark.parametrize("item", SERVICES, ids=service_id)
def test_every_contact_can_be_dialled_texted_or_opened(item):
    _, service = item
    for contact in service.contacts:
        assert contact.kind in {"call", "text", "chat"}
        assert contact.display.strip()
        if contact.kind == "chat":
            assert urlsplit(contact.value).scheme == "https"
        else:
            assert contact.value.isdigit(), contact.value


@pytest.mark.parametrize("record", [s for c in RAW["countries"] for s in c["services"]], ids=lambda s: s["name"])
def test_every_record_in_the_file_states_last_verified_explicitly(record):
    # null (never checked) or an ISO date; a missing key would hide an unchecked record.
    assert "last_verified" in record
    if record["last_verified"] is not None:
        dt.date.fromisoformat(record["last_verified"])


def test_contact_links_use_the_right_scheme():
    assert Contact(kind="call", value="116123", display="116 123").href == "tel:116123"
    assert Contact(kind="text", value="741741", display="Text", body="HOME").href == "sms:741741?&body=HOME"
    assert Contact(kind="text", value="988", display="Text").href == "sms:988"
    assert Contact(kind="chat", value="https://988lifeline.org", display="Chat").href == "https://988lifeline.org"


# --- Choosing a country -----------------------------------------------------------------------------------


@pytest.fixture
def rf():
    return RequestFactory()


def test_country_for_request_honours_the_country_parameter(rf):
    request = rf.get("/help/", {"country": "nz"}, HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")

    assert country_for_request(request).code == "NZ"


def test_country_for_request_honours_the_remembered_country(rf):
    request = rf.get("/help/", HTTP_ACCEPT_LANGUAGE="en-US")
    request.COOKIES["hearth_country"] = "AU"

    assert country_for_request(request).code == "AU"


def test_country_for_request_prefers_the_parameter_over_the_remembered_country(rf):
    request = rf.get("/help/", {"country": "IE"})
    request.COOKIES["hearth_country"] = "AU"

    assert country_for_request(request).code == "IE"


def test_country_for_request_uses_the_browser_language_region(rf):
    request = rf.get("/help/", HTTP_ACCEPT_LANGUAGE="fr-CA,fr;q=0.9,en;q=0.8")

    assert country_for_request(request).code == "CA"


def test_country_for_request_uses_the_first_known_region(rf):
    request = rf.get("/help/", HTTP_ACCEPT_LANGUAGE="es-419, de, de-DE;q=0.8, en-US;q=0.5")

    assert country_for_request(request).code == "DE"


def test_country_for_request_ignores_an_unknown_country_parameter(rf):
    request = rf.get("/help/", {"country": "XX"}, HTTP_ACCEPT_LANGUAGE="en-IN")

    assert country_for_request(request).code == "IN"


def test_country_for_request_falls_back_to_the_site_default(rf, settings):
    settings.HEARTH_DEFAULT_COUNTRY = "us"
    request = rf.get("/help/", HTTP_ACCEPT_LANGUAGE="en, de")

    assert country_for_request(request).code == "US"


def test_country_for_request_falls_back_to_the_first_country_if_default_unknown(rf, settings):
    settings.HEARTH_DEFAULT_COUNTRY = "ZZ"

    assert country_for_request(rf.get("/help/")).code == next(iter(all_countries()))


# --- Stale records ------------------------------------------------------------------------------------------


TODAY = dt.date(2025, 6, 1)


def _service(name: str, last_verified: dt.date | None) -> Service:
    return Service(
        name=name,
        contacts=(Contact(kind="call", value="116123", display="116 123"),),
        hours="24/7",
        source=f"https://{name.lower()}.example/about",
        last_verified=last_verified,
    )


@pytest.fixture
def sample_countries(monkeypatch):
    countries = {
        "GB": Country(
            code="GB",
            name="United Kingdom",
            emergency="999",
            services=(
                _service("Fresh", TODAY - dt.timedelta(days=10)),
                _service("Edge", TODAY - MAX_AGE),
                _service("Old", TODAY - MAX_AGE - dt.timedelta(days=1)),
            ),
        ),
        "IE": Country(code="IE", name="Ireland", emergency="112", services=(_service("Never", None),)),
    }
    monkeypatch.setattr(resources, "all_countries", lambda: countries)
    return countries


def test_stale_services_lists_unverified_and_old_records(sample_countries):
    stale = stale_services(TODAY)

    assert [(c.code, s.name) for c, s in stale] == [("GB", "Old"), ("IE", "Never")]


def test_stale_services_counts_a_record_exactly_max_age_old_as_fresh(sample_countries):
    assert "Edge" not in {s.name for _, s in stale_services(TODAY)}
    assert "Edge" in {s.name for _, s in stale_services(TODAY + dt.timedelta(days=1))}


def test_stale_services_lists_every_unverified_record_in_the_shipped_file():
    unverified = [(c.code, s.name) for c, s in SERVICES if s.last_verified is None]

    stale = [(c.code, s.name) for c, s in stale_services(dt.date(2025, 1, 1))]

    assert set(unverified) <= set(stale)


def run_check() -> str:
    out = StringIO()
    call_command("check_crisis_resources", stdout=out)
    return out.getvalue()


def test_check_crisis_resources_lists_stale_records_with_their_sources(sample_countries):
    with time_machine.travel(dt.datetime(2025, 6, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        output = run_check()

    old = (TODAY - MAX_AGE - dt.timedelta(days=1)).isoformat()
    assert f"GB  Old: {old}  (source: https://old.example/about)" in output
    assert "IE  Never: never verified  (source: https://never.example/about)" in output
    assert "Fresh" not in output
    assert "Edge" not in output
    assert "2 record(s) need checking (older than 180 days or unverified)." in output


def test_check_crisis_resources_reports_success_when_everything_is_fresh(monkeypatch):
    fresh = {"GB": Country(code="GB", name="United Kingdom", emergency="999", services=(_service("Fresh", TODAY),))}
    monkeypatch.setattr(resources, "all_countries", lambda: fresh)

    with time_machine.travel(dt.datetime(2025, 6, 2, 9, 0, tzinfo=dt.UTC), tick=False):
        output = run_check()

    assert output.strip() == "Every crisis-line record was verified within the last 180 days."


def test_check_crisis_resources_lists_every_record_of_the_shipped_file_while_unverified():
    output = run_check()

    never = [s for _, s in SERVICES if s.last_verified is None]
    assert output.count("never verified") == len(never)
