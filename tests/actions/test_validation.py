"""Referral form validators: normalised value or None."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from actions.validation import (
    normalise_email,
    normalise_uk_phone,
    parse_child_age,
    parse_contact_preference,
    parse_name,
    parse_urgency,
)

# --------------------------------------------------------------------------------------------
# Phone
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("07700 900123", "07700 900123"),
        ("07700900123", "07700 900123"),
        ("077 0090 0123", "07700 900123"),
        ("07700-900-123", "07700 900123"),
        ("07700.900.123", "07700 900123"),
        ("+44 7700 900123", "07700 900123"),
        ("+447700900123", "07700 900123"),
        ("+44 (0)7700 900123", "07700 900123"),
        ("+44 (0) 7700 900123", "07700 900123"),
        ("+44 07700 900123", "07700 900123"),
        ("0044 7700 900123", "07700 900123"),
        ("447700900123", "07700 900123"),
        ("7700 900123", "07700 900123"),
        ("(01632) 960100", "01632 960100"),
        ("01632 960 100", "01632 960100"),
        ("01632-960100", "01632 960100"),
        ("020 7946 0000", "020 7946 0000"),
        ("02079460000", "020 7946 0000"),
        ("+44 20 7946 0000", "020 7946 0000"),
        ("(020) 7946 0000", "020 7946 0000"),
        ("0161 496 0000", "0161 496 0000"),
        ("01614960000", "0161 496 0000"),
        ("0113 496 0000", "0113 496 0000"),
        ("0300 123 4567", "0300 123 4567"),
        ("0800 123 4567", "0800 123 4567"),
        ("its 07700 900123 thanks", "07700 900123"),
        ("my mobile is 07700 900123.", "07700 900123"),
        ("tel: 01632 960100", "01632 960100"),
        ("call after 5pm on 07700 900123", "07700 900123"),
        ("07700 900123 2 kids at home", "07700 900123"),
        ("０７７００ ９００１２３", "07700 900123"),  # full-width digits
        ("07700 900123 or 07700900123", "07700 900123"),  # the same number twice
    ],
)
def test_phone_is_normalised(text: str, expected: str) -> None:
    assert normalise_uk_phone(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "abc",
        "999",
        "0800 1111",  # a helpline, too short for a contact number
        "07700 90012",  # too short
        "077009001234",  # too long
        "0770090012",
        "07700 9OO123",  # letter O for zero
        "tel07700900123",
        "+1 212 555 0100",
        "0033 1 23 45 67 89",
        "+33 1 23 45 67 89",
        "09098 790123",  # premium rate
        "0909 879 0123",
        "07000 123456",  # personal numbering
        "07700 900123 or 01632 960100",  # two numbers
        "12/03/2015",
        "jo@x.example",
        "ring me",
        "0" * 11 + "1",
        "1" * 600,
        None,
    ],
)
def test_phone_is_rejected(text) -> None:
    assert normalise_uk_phone(text) is None


# --------------------------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("jo@x.example", "jo@x.example"),
        ("  jo@x.example  ", "jo@x.example"),
        ("its jo@x.example thanks", "jo@x.example"),
        ("it's jo@x.example, thanks!", "jo@x.example"),
        ("<Jo@X.Example>", "Jo@x.example"),
        ("Email:JO@GMAIL.COM", "JO@gmail.com"),
        ("mailto:jo@x.example", "jo@x.example"),
        ("jo@x.example.", "jo@x.example"),
        ("(jo@x.example)", "jo@x.example"),
        ("o'neill@x.co.uk", "o'neill@x.co.uk"),
        ("sarah.jones+send@mail.example.co.uk", "sarah.jones+send@mail.example.co.uk"),
        ("jo_bloggs-1@sub-domain.example.org", "jo_bloggs-1@sub-domain.example.org"),
        ("my email is 'jo@x.example'", "jo@x.example"),
        ("jo＠x.example", "jo@x.example"),  # full-width @
    ],
)
def test_email_is_normalised(text: str, expected: str) -> None:
    assert normalise_email(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "jo",
        "jo @x.example",
        "jo@ x.example",
        "jo@xexample",
        "jo@x.",
        "@x.example",
        "jo@",
        "a@b@c.com",
        "jo@gmail,com",
        "jo@x..example",
        "jo..x@x.example",
        ".jo@x.example",
        "jo@-x.example",
        "jo@x-.example",
        "jo@x.c",
        "jo@x.123",
        "one@x.example two@y.example",
        "jö@x.example",
        "x" * 65 + "@x.example",
        "jo@" + "a" * 64 + ".example",
        "jo@" + ".".join(["a" * 60] * 5) + ".example",
        "07700 900123",
        None,
    ],
)
def test_email_is_rejected(text) -> None:
    assert normalise_email(text) is None


# --------------------------------------------------------------------------------------------
# Child's age
# --------------------------------------------------------------------------------------------


def _age(age, year, phase) -> dict:
    return {"age": age, "year": year, "phase": phase}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7", _age(7, None, "primary")),
        ("he's 7", _age(7, None, "primary")),
        ("She’s 7.", _age(7, None, "primary")),
        ("7yo", _age(7, None, "primary")),
        ("7 y/o", _age(7, None, "primary")),
        ("7 years old", _age(7, None, "primary")),
        ("seven", _age(7, None, "primary")),
        ("Seven years old", _age(7, None, "primary")),
        ("7 and a half", _age(7, None, "primary")),
        ("7½", _age(7, None, "primary")),
        ("7 years 3 months", _age(7, None, "primary")),
        ("he is 7 and his brother is 9", _age(7, None, "primary")),
        ("18 months", _age(1, None, "early_years")),
        ("6 months", _age(0, None, "early_years")),
        ("2 year old", _age(2, None, "early_years")),
        ("a year old", _age(1, None, "early_years")),
        ("0", _age(0, None, "early_years")),
        ("4", _age(4, None, "early_years")),
        ("5", _age(5, None, "primary")),
        ("10", _age(10, None, "primary")),
        ("11", _age(11, None, "secondary")),
        ("15", _age(15, None, "secondary")),
        ("age 16", _age(16, None, "post16")),
        ("aged 16", _age(16, None, "post16")),
        ("age7", _age(7, None, "primary")),
        ("she is 22", _age(22, None, "post16")),
        ("twenty one", _age(21, None, "post16")),
        ("twenty-five", _age(25, None, "post16")),
        ("nursery", _age(3, "Nursery", "early_years")),
        ("pre-school", _age(3, "Nursery", "early_years")),
        ("reception", _age(4, "Reception", "primary")),
        ("Reception class", _age(4, "Reception", "primary")),
        ("recpetion", _age(4, "Reception", "primary")),
        ("year 1", _age(5, "Year 1", "primary")),
        ("year 3", _age(7, "Year 3", "primary")),
        ("Year Three", _age(7, "Year 3", "primary")),
        ("she is in the third year", _age(7, "Year 3", "primary")),
        ("y6", _age(10, "Year 6", "primary")),
        ("Y 6", _age(10, "Year 6", "primary")),
        ("year 7", _age(11, "Year 7", "secondary")),
        ("yr 10", _age(14, "Year 10", "secondary")),
        ("yr10", _age(14, "Year 10", "secondary")),
        ("year 11", _age(15, "Year 11", "secondary")),
        ("year 12", _age(16, "Year 12", "post16")),
        ("y 13", _age(17, "Year 13", "post16")),
        ("sixth form", _age(16, "Sixth form", "post16")),
        ("6th form", _age(16, "Sixth form", "post16")),
        ("he's 11 in year 7", _age(11, "Year 7", "secondary")),
        ("in year 7 and he is 12", _age(12, "Year 7", "secondary")),
        ("college", _age(None, None, "post16")),
    ],
)
def test_child_age_is_parsed(text: str, expected: dict) -> None:
    assert parse_child_age(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "banana",
        "not sure",
        "26",
        "30 years old",
        "100",
        "-3",
        "year 14",
        "year 0",
        "400 months",
        "07700900123",
        "LS6 2AB",
        "x" * 600,
        None,
    ],
)
def test_child_age_is_rejected(text) -> None:
    assert parse_child_age(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_child_age_never_raises(text: str) -> None:
    result = parse_child_age(text)
    if result is not None:
        assert result["phase"] in {"early_years", "primary", "secondary", "post16"}
        assert result["age"] is None or 0 <= result["age"] <= 25


# --------------------------------------------------------------------------------------------
# Name
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sarah", "Sarah"),
        ("sarah", "Sarah"),
        ("SARAH", "Sarah"),
        ("its Sarah Jones", "Sarah Jones"),
        ("it's sarah", "Sarah"),
        ("my name is sarah", "Sarah"),
        ("My name's Sarah Jones", "Sarah Jones"),
        ("name: sarah", "Sarah"),
        ("I'm Sarah", "Sarah"),
        ("im sarah jones", "Sarah Jones"),
        ("call me Tom", "Tom"),
        ("this is tom speaking", "Tom"),
        ("hi its sarah 😀", "Sarah"),
        ("ok my name is Priya Patel thanks", "Priya Patel"),
        ("Sarah, thanks", "Sarah"),
        ("Sarah and my son is Jayden", "Sarah"),
        ("I'm Sarah Jones, Jayden's mum", "Sarah Jones"),
        ("Jo.", "Jo"),
        ("Mrs Khan", "Mrs Khan"),
        ("Mrs. Khan", "Mrs Khan"),
        ("Sarah O'Neill", "Sarah O'Neill"),
        ("o'neill", "O'Neill"),
        ("amelia-rose smith", "Amelia-Rose Smith"),
        ("McDonald", "McDonald"),
        ("Zoë", "Zoë"),
        ("siobhán ní bhriain", "Siobhán Ní Bhriain"),
    ],
)
def test_name_is_parsed(text: str, expected: str) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "12345",
        "sarah2",
        "jo@x.example",
        "07700 900123",
        "+44 7700 900123",
        "no",
        "No thanks",
        "prefer not to say",
        "i'd rather not say",
        "skip",
        "J",
        "Sarah Jones Smith Brown Green White",
        "x" * 90,
        "a" * 40 + " " + "b" * 45,
        "???",
        None,
    ],
)
def test_name_is_rejected(text) -> None:
    assert parse_name(text) is None


# --------------------------------------------------------------------------------------------
# Urgency
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("urgent", "urgent"),
        ("Urgent", "urgent"),
        ("/urgent", "urgent"),
        ("soon", "soon"),
        ("routine", "routine"),
        ('/choose{"urgency":"soon"}', "soon"),
        ("very urgent", "urgent"),
        ("URGENT!!", "urgent"),
        ("urgnet", "urgent"),
        ("it's an emergency", "urgent"),
        ("today", "urgent"),
        ("asap", "urgent"),
        ("ASAP please", "urgent"),
        ("a.s.a.p.", "urgent"),
        ("as soon as possible", "urgent"),
        ("right now", "urgent"),
        ("no, it's urgent", "urgent"),
        ("this week", "soon"),
        ("next week", "soon"),
        ("tomorrow", "soon"),
        ("fairly urgent", "soon"),
        ("quite urgent", "soon"),
        ("in the next few days", "soon"),
        ("not urgent", "routine"),
        ("not very urgent", "routine"),
        ("not that urgent", "routine"),
        ("it's not urgent", "routine"),
        ("isn't urgent", "routine"),
        ("non-urgent", "routine"),
        ("not an emergency", "routine"),
        ("not urgent at all", "routine"),
        ("can wait", "routine"),
        ("it can wait a few weeks", "routine"),
        ("no rush", "routine"),
        ("whenever", "routine"),
    ],
)
def test_urgency_is_parsed(text: str, expected: str) -> None:
    assert parse_urgency(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "not sure", "maybe", "banana", "not now", None])
def test_urgency_is_rejected(text) -> None:
    assert parse_urgency(text) is None


# --------------------------------------------------------------------------------------------
# Contact preference
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("phone", "phone"),
        ("/phone", "phone"),
        ("Phone please", "phone"),
        ("by phone please", "phone"),
        ("ring me", "phone"),
        ("give me a ring", "phone"),
        ("call", "phone"),
        ("call me", "phone"),
        ("a phone call", "phone"),
        ("telephone", "phone"),
        ("mobile", "phone"),
        ("text", "phone"),
        ("text or call", "phone"),
        ("email", "email"),
        ("/email", "email"),
        ("Email", "email"),
        ("e-mail me", "email"),
        ("e mail", "email"),
        ("emial", "email"),
        ("by email thanks", "email"),
        ("not email, ring me", "phone"),
        ("don't call me", "email"),
        ("please don't phone, email instead", "email"),
    ],
)
def test_contact_preference_is_parsed(text: str, expected: str) -> None:
    assert parse_contact_preference(text) == expected


@pytest.mark.parametrize("text", ["", "hello", "either", "email or phone", "post", None])
def test_contact_preference_is_rejected(text) -> None:
    assert parse_contact_preference(text) is None


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_validators_never_raise(text: str) -> None:
    normalise_uk_phone(text)
    normalise_email(text)
    parse_name(text)
    parse_urgency(text)
    parse_contact_preference(text)


def test_production_mode_refuses_placeholder_referral_settings():
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO_ROOT), "GATEWAY_ENV": "production",
           "HF_HUB_OFFLINE": "1"}
    refused = subprocess.run([sys.executable, "-m", "actions.server", "--port", "1"], env=env, cwd=REPO_ROOT,
                             capture_output=True, text=True, timeout=120, check=False)
    assert refused.returncode != 0
    assert "REFERRAL_SERVICE_SECRET must be a real secret" in refused.stderr
    assert "REFERRAL_SERVICE_URL must name the gateway" in refused.stderr
