"""Personal-details analyzer: what it finds, where, whose it is, what it leaves alone, and how it redacts."""

from __future__ import annotations

import pytest

from hearth.safety.analyzers.personal_details import (
    DATASET_TYPE_MAP,
    ENTITY_TYPES,
    PLACEHOLDERS,
    WARN_MIN_SCORE,
    PersonalDetail,
    PersonalDetails,
    find_personal_details,
    redact,
)


def found(text: str, *, min_score: float = 0.0) -> list[tuple[str, str]]:
    return [
        (detail.kind, text[detail.start : detail.end])
        for detail in find_personal_details(text).details
        if detail.score >= min_score
    ]


def only(text: str, kind: str) -> PersonalDetail:
    details = [detail for detail in find_personal_details(text).details if detail.kind == kind]
    assert len(details) == 1, details
    return details[0]


# --- each kind, with exact offsets ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("text me on 07700 900461 after work", "07700 900461"),
        ("my mobile is +44 7700 900461", "+44 7700 900461"),
        ("call 0044 20 7946 0321 tomorrow", "0044 20 7946 0321"),
        ("US cell: (415) 555-0172", "(415) 555-0172"),
        ("office 212-555-0198 ext. 44", "212-555-0198 ext. 44"),
        ("ring +33 6 12 34 56 78 please", "+33 6 12 34 56 78"),
        ("German line +49 (0)30 901820", "+49 (0)30 901820"),
        ("phone 06-12345678", "06-12345678"),
        ("whatsapp me 0612345678", "0612345678"),
        ("fax: 415.555.0133", "415.555.0133"),
    ],
)
def test_phone_numbers_are_found_with_exact_offsets(text: str, value: str) -> None:
    detail = only(text, "PHONE_NUMBER")
    assert text[detail.start : detail.end] == value
    assert detail.score >= WARN_MIN_SCORE


def test_email_is_found_and_trailing_punctuation_is_left_out() -> None:
    text = "write to me at robin.ashdown+hearth@mailbox.example.org."
    assert found(text) == [("EMAIL_ADDRESS", "robin.ashdown+hearth@mailbox.example.org")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I live at 27 Larkspur Close, Harrogate HG2 7QT", "27 Larkspur Close, Harrogate HG2 7QT"),
        ("she lives at 4 Quarry Hill Road", "4 Quarry Hill Road"),
        ("Our flat is 9 Wellmeadow Street, Paisley", "9 Wellmeadow Street, Paisley"),
        ("send it to 1600 Maple Avenue, Springfield, IL 62704", "1600 Maple Avenue, Springfield, IL 62704"),
        ("ich wohne in der Lindenstraße 12 in Köln", "Lindenstraße 12"),
        ("my address is Rua das Flores 88", "Rua das Flores 88"),
        ("PO Box 4410 is where post goes", "PO Box 4410"),
    ],
)
def test_street_addresses_are_found(text: str, value: str) -> None:
    detail = only(text, "STREET_ADDRESS")
    assert text[detail.start : detail.end] == value


def test_multi_line_address_is_one_span() -> None:
    text = "Please post it to:\n18 Orchard Way\nApt 4\nBridgford\nNG2 6AB\nthanks"
    detail = only(text, "STREET_ADDRESS")
    assert text[detail.start : detail.end] == "18 Orchard Way\nApt 4\nBridgford\nNG2 6AB"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("postcode is M14 5RT", "M14 5RT"),
        ("we're near SW1A 1AA", "SW1A 1AA"),
        ("Austin, TX 78701 is home", "TX 78701"),
        ("zip code: 94103", "94103"),
    ],
)
def test_postcodes_are_found(text: str, value: str) -> None:
    detail = only(text, "POSTCODE")
    assert text[detail.start : detail.end] == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("My name is Joanna Kowalczyk.", "Joanna Kowalczyk"),
        ("I spoke to Dr. Imran Qureshi about it", "Dr. Imran Qureshi"),
        ("Yesterday Tomasz Brzeziński messaged me", "Tomasz Brzeziński"),
        ("ask for Siobhan O'Donnell at reception", "Siobhan O'Donnell"),
        ("the form was signed by Ana M. Ferreira", "Ana M. Ferreira"),
        ("my name is priya raman", "priya raman"),
    ],
)
def test_full_names_are_found(text: str, value: str) -> None:
    detail = only(text, "PERSON")
    assert text[detail.start : detail.end] == value
    assert detail.score >= WARN_MIN_SCORE


def test_a_lone_first_name_scores_below_the_warning_line() -> None:
    detail = only("my friend Zainab listened to me for hours", "PERSON")
    assert detail.score < WARN_MIN_SCORE
    assert detail.about_self is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("follow me @quiet_fern_22 for art", "@quiet_fern_22"),
        ("my insta is moss.and.mist", "moss.and.mist"),
        ("add me on snap: lunar_kit9", "lunar_kit9"),
        ("my discord is nightowl#4821", "nightowl#4821"),
        ("my tiktok username is fernwhisper", "fernwhisper"),
        ("ask u/sleepy_otter_77 about it", "u/sleepy_otter_77"),
    ],
)
def test_social_handles_are_found(text: str, value: str) -> None:
    detail = only(text, "SOCIAL_HANDLE")
    assert text[detail.start : detail.end] == value


@pytest.mark.parametrize(
    "text", ["@everyone the meeting moved to Friday", "<style>@import url(theme.css); @media print {}</style>"]
)
def test_words_after_an_at_that_name_nobody_are_not_handles(text: str) -> None:
    assert [kind for kind, _ in found(text)] == []


@pytest.mark.parametrize(
    "url",
    [
        "https://www.instagram.com/moss.and.mist/",
        "instagram.com/moss.and.mist",
        "tiktok.com/@fernwhisper",
        "https://x.com/fernwhisper",
        "facebook.com/profile.php?id=1000123",
    ],
)
def test_profile_links_are_found(url: str) -> None:
    text = f"here I am: {url} come say hi"
    detail = only(text, "PROFILE_URL")
    assert text[detail.start : detail.end] == url


def test_other_links_are_urls_below_the_warning_line() -> None:
    detail = only("this helped me: https://example.org/coping-tips.", "URL")
    assert detail.score < WARN_MIN_SCORE


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I work at Brightwater Logistics as a driver", "Brightwater Logistics"),
        ("I go to Castlefield Academy", "Castlefield Academy"),
        ("I'm a student at the University of Dundee now", "University of Dundee"),
        ("I volunteer for Oakhaven Trust on Sundays", "Oakhaven Trust"),
    ],
)
def test_workplaces_and_schools_are_found(text: str, value: str) -> None:
    detail = only(text, "ORGANIZATION")
    assert text[detail.start : detail.end] == value
    assert detail.about_self is True


def test_numbers_that_are_not_phones_get_their_own_kinds() -> None:
    assert found("card 4539 1488 0343 6467 was charged") == [("PAYMENT_CARD", "4539 1488 0343 6467")]
    assert found("IBAN GB82 WEST 1234 5698 7654 32") == [("BANK_ACCOUNT", "GB82 WEST 1234 5698 7654 32")]
    assert found("NI number JG 10 38 27 D") == [("GOVERNMENT_ID", "JG 10 38 27 D")]
    assert found("server at 192.168.10.24 is down") == [("IP_ADDRESS", "192.168.10.24")]


# --- whose details --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "about_self"),
    [
        ("my number is 07700 900461", True),
        ("call me on 07700 900461", True),
        ("her number is 07700 900461", False),
        ("my ex's number is 07700 900461", False),
        ("my mum's mobile is 07700 900461", False),
        ("the number 07700 900461 keeps ringing", None),
    ],
)
def test_about_self_for_phone_numbers(text: str, about_self: bool | None) -> None:
    assert only(text, "PHONE_NUMBER").about_self is about_self


def test_about_self_for_addresses_names_and_workplaces() -> None:
    assert only("I live at 27 Larkspur Close", "STREET_ADDRESS").about_self is True
    assert only("he lives at 27 Larkspur Close", "STREET_ADDRESS").about_self is False
    assert only("My name is Joanna Kowalczyk", "PERSON").about_self is True
    assert only("his name is Tomasz Brzeziński", "PERSON").about_self is False
    assert only("She works at Brightwater Logistics", "ORGANIZATION").about_self is False
    assert only("my girlfriend's insta is moss.and.mist", "SOCIAL_HANDLE").about_self is False


def test_about_self_does_not_reach_into_an_earlier_sentence() -> None:
    text = "I am so tired. The clinic number is 0161 496 0732."
    assert only(text, "PHONE_NUMBER").about_self is None


# --- what is left alone ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "I take 50mg of sertraline and 100 mg of quetiapine at night.",
        "Upped to 150 mg on 12/03/2024, appointment at 10:30 on 2024-04-01.",
        "It has been 365 days. 2019 2020 and 2021 were the worst years.",
        "About 1 000 000 people have felt this way; 20-30% of us relapse.",
        "I slept 8 hours, walked 10000 steps and ate 1500 kcal.",
        "My GP referred me to CBT and the NHS waiting list is 18 weeks.",
        "Thanks everyone. Will update tomorrow, hope you all have a calm Monday.",
        "Dr said it's normal to feel worse for the first 2 weeks.",
        "I'm Fine, Honestly. Just Tired Of Everything Today.",
        "I went to the ER last night and they kept me 6 hours.",
        "Call Samaritans on 116 123 or text SHOUT to 85258, or dial 988 in the US.",
        "My therapist and I are working on my anxiety, panic and OCD.",
        "Between 2 and 4 times a week, 3-4 hours each, since March 2021.",
        "Take 2 x 500mg paracetamol every 4-6 hours, max 8 in 24 hours.",
    ],
)
def test_ordinary_peer_support_text_raises_no_warning(text: str) -> None:
    assert found(text, min_score=WARN_MIN_SCORE) == []


def test_contractions_and_sentence_starts_are_not_names() -> None:
    assert found("Don't worry. You're not alone. They're here for you. C'mon!") == []


def test_place_names_on_their_own_are_not_flagged() -> None:
    assert found("I moved from Manchester to New Zealand last year", min_score=WARN_MIN_SCORE) == []


# --- redaction ------------------------------------------------------------------------------------------


def test_redact_replaces_each_detail_with_its_placeholder() -> None:
    text = "I'm Joanna Kowalczyk, call me on 07700 900461 or mail jo.k@example.com. I live at 27 Larkspur Close."
    result = redact(text, find_personal_details(text))
    assert result == (
        "I'm [name removed], call me on [phone number removed] or mail [email address removed]. "
        "I live at [address removed]."
    )


def test_redact_accepts_a_tuple_and_merges_overlapping_details() -> None:
    text = "reach me at 07700 900461 today"
    details = (
        PersonalDetail("PHONE_NUMBER", 12, 24, 0.9, True),
        PersonalDetail("PERSON", 18, 24, 0.2, None),
    )
    assert redact(text, details) == "reach me at [phone number removed] today"
    assert redact(text, ()) == text


def test_every_kind_has_a_placeholder_and_an_evaluation_mapping() -> None:
    assert set(PLACEHOLDERS) == set(ENTITY_TYPES)
    mapped = set().union(*DATASET_TYPE_MAP.values())
    assert mapped <= set(ENTITY_TYPES)
    assert {"PERSON", "PHONE_NUMBER", "EMAIL_ADDRESS", "STREET_ADDRESS"} <= set(DATASET_TYPE_MAP)


def test_result_type_and_kinds() -> None:
    result = find_personal_details("mail jo.k@example.com or call 07700 900461")
    assert isinstance(result, PersonalDetails)
    assert result.kinds == frozenset({"EMAIL_ADDRESS", "PHONE_NUMBER"})
    assert find_personal_details("").details == ()
    for detail in result.details:
        assert detail.kind in ENTITY_TYPES
        assert 0.0 < detail.score <= 1.0


# --- odd and hostile input ------------------------------------------------------------------------------


def test_unicode_text_keeps_offsets_into_the_original_string() -> None:
    text = "😔💔 ça va pas… Ζωή 🙏 mon numéro: +33 6 12 34 56 78 — merci 🌧️"
    detail = only(text, "PHONE_NUMBER")
    assert text[detail.start : detail.end] == "+33 6 12 34 56 78"


def test_long_ordinary_post_has_no_warnings() -> None:
    paragraph = (
        "Today was hard. I woke up at 6, took my 20mg, and tried the breathing exercise from group. "
        "By 3pm I felt a bit better, and on Tuesday I have my review. Thank you all for listening. "
    )
    assert found(paragraph * 30, min_score=WARN_MIN_SCORE) == []


@pytest.mark.parametrize(
    "text",
    [
        "1" * 20_000,
        "12 " * 7_000,
        "1-" * 10_000,
        "+1 " * 7_000,
        "(1) " * 5_000,
        "a" * 20_000,
        "@a" * 10_000,
        "a." * 10_000,
        "a" * 64 + "@" + "b." * 8_000,
        "www." + "a." * 8_000,
        "Aaaa " * 4_000,
        "Apt 1 " * 3_000,
        "12 Aa Bb Cc Dd " * 1_500,
        "Mr. Aa Bb " * 2_000,
        "corner of a " * 2_000,
        "I work at Aa and " * 1_200,
        "Ζωή Ω " * 3_000,
        "\n1\n" * 6_000,
        "Aa 1, " * 3_000,
        "x" * 100_000,
    ],
)
def test_adversarial_inputs_complete_and_stay_in_bounds(text: str) -> None:
    result = find_personal_details(text)
    for detail in result.details:
        assert 0 <= detail.start < detail.end <= len(text)
    starts = [detail.start for detail in result.details]
    assert starts == sorted(starts)
    for first, second in zip(result.details, result.details[1:], strict=False):
        assert first.end <= second.start
