"""Validators for the referral form: each takes what the parent typed (or a button payload)
and returns a normalised value, or None when it cannot be read with confidence, so the form
asks again rather than storing something wrong.

Pure functions, no spaCy, no I/O; every input is capped in length before any regex runs.
"""

from __future__ import annotations

import re
import unicodedata

from actions.scrub import uk_national_digits


def _words(text: str) -> list[str]:
    return text.split()


__all__ = [
    "normalise_email",
    "normalise_uk_phone",
    "parse_child_age",
    "parse_contact_preference",
    "parse_name",
    "parse_urgency",
]

_MAX_INPUT = 500  # a form answer longer than this is not an answer


def _clean(text: object) -> str | None:
    """NFKC-normalised, whitespace-collapsed text without control characters, or None."""
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFKC", text[: _MAX_INPUT * 2])
    text = "".join(" " if unicodedata.category(ch)[0] in "CZ" else ch for ch in text)
    text = " ".join(text.split())
    if not text or len(text) > _MAX_INPUT:
        return None
    return text


def _payload(text: str) -> str:
    """'/urgent', '/choose{"urgency":"soon"}', '"email"' -> the bare value, lower-case."""
    low = text.strip().lower()
    match = re.fullmatch(r'/?[a-z_]{0,40}\{\s*"[a-z_]{1,40}"\s*:\s*"([^"]{1,40})"\s*\}', low)
    if match:
        return match.group(1).strip()
    return low.lstrip("/").strip(" \"'.!")


# --------------------------------------------------------------------------------------------
# Phone
# --------------------------------------------------------------------------------------------

_PHONE_RUN = re.compile(r"[+(]?\d[\d\s().\-]{0,30}\d\)?|\+?\d")
_TWO_DIGIT_AREAS = ("020", "023", "024", "028", "029")
_MOBILE_BAD = ("070", "076")  # personal numbering and pagers (07624 is an Isle of Man mobile)


def _valid_national(national: str) -> bool:
    n = len(national)
    if not re.fullmatch(r"0\d{9,10}", national):
        return False
    if national.startswith("09"):
        return False  # premium rate
    if national.startswith(("01", "02")):
        return n == 11 or (n == 10 and national.startswith("01"))
    if national.startswith("07"):
        return n == 11 and (not national.startswith(_MOBILE_BAD) or national.startswith("07624"))
    if national.startswith("03"):
        return n == 11
    if national.startswith(("0800", "0808")):
        return n in (10, 11)
    if national.startswith(("084", "087")):
        return n == 11
    if national.startswith(("055", "056")):
        return n == 11
    return False


def _format_national(national: str) -> str:
    if national.startswith(_TWO_DIGIT_AREAS) and len(national) == 11:
        return f"{national[:3]} {national[3:7]} {national[7:]}"  # 020 7946 0000
    if re.match(r"01\d1|011\d", national) and len(national) == 11:
        return f"{national[:4]} {national[4:7]} {national[7:]}"  # 0161 496 0000
    if national.startswith(("03", "08")):
        if len(national) == 11:
            return f"{national[:4]} {national[4:7]} {national[7:]}"  # 0300 123 4567
        return f"{national[:4]} {national[4:]}"  # 0800 123456
    if national.startswith("05"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    return f"{national[:5]} {national[5:]}"  # 07700 900123, 01632 960100


def normalise_uk_phone(text: str) -> str | None:
    """A UK landline or mobile number in national format ("07700 900123", "01632 960100",
    "020 7946 0000"), from any common way of writing it: spaces, dashes, dots, "(01632)",
    "+44", "+44 (0)", "0044", "44 7700...", or a mobile without its leading 0; surrounding
    words are allowed ("it's 07700 900123 thanks"). None for anything else: too few or too
    many digits, letters inside the number, another country, premium-rate 09 numbers,
    two different numbers."""
    cleaned = _clean(text)
    if cleaned is None:
        return None
    cleaned = re.sub(r"[‐‑‒–—−]", "-", cleaned)
    found: set[str] = set()
    for match in _PHONE_RUN.finditer(cleaned):
        raw = match.group()
        if sum(ch.isdigit() for ch in raw) < 5:
            continue  # "after 5pm", "2 kids"
        before = cleaned[match.start() - 1 : match.start()]
        after = cleaned[match.end() : match.end() + 1]
        if before.isalpha() or after.isalpha():
            return None  # "07700 9OO123", "tel07700900123"
        national = _national_prefix(raw)
        if national is None:
            return None
        found.add(national)
    if len(found) != 1:
        return None
    return _format_national(found.pop())


def _to_national(raw: str) -> str | None:
    digits = re.sub(r"\D", "", raw)
    if raw.lstrip("(").startswith("+") or digits.startswith("00"):
        return uk_national_digits(raw)  # None for +1 212..., 0033...
    if digits.startswith("44") and len(digits) in (12, 13):
        return "0" + digits[2:].removeprefix("0")  # "44 7700 900123"
    if digits.startswith("7") and len(digits) == 10:
        return "0" + digits  # "7700 900123"
    return digits


def _national_prefix(raw: str) -> str | None:
    """The valid national number that a digit run starts with, allowing a short tail ("07700
    900123 2" from "07700 900123 2 kids"); None if there is none."""
    groups = [m.end() for m in re.finditer(r"\d+", raw)]
    total = sum(ch.isdigit() for ch in raw)
    for end in reversed(groups):
        national = _to_national(raw[:end])
        if national is None:
            return None
        if _valid_national(national):
            if total - sum(ch.isdigit() for ch in raw[:end]) >= 5:
                return None  # a second number glued on
            return national
    return None


# --------------------------------------------------------------------------------------------
# Email
# --------------------------------------------------------------------------------------------

_LOCAL = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_SPLIT = re.compile(r"[\s,;:<>()\[\]\"]+")


def _valid_email(local: str, domain: str) -> bool:
    if not (1 <= len(local) <= 64) or not (4 <= len(domain) <= 253):
        return False
    if len(local) + 1 + len(domain) > 254 or not _LOCAL.fullmatch(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        return False
    return bool(re.fullmatch(r"[A-Za-z]{2,24}", labels[-1]))


def normalise_email(text: str) -> str | None:
    """The one email address in `text` ("it's jo@x.example thanks", "<Jo@X.Example>",
    "mailto:jo@x.example"), with its domain lower-cased and its local part as typed. None when
    there is no address, more than one, or it is malformed (spaces, two @, no dot in the domain,
    a comma for a dot, over-long parts, non-ASCII)."""
    cleaned = _clean(text)
    if cleaned is None:
        return None
    candidates = [piece for piece in _SPLIT.split(cleaned) if "@" in piece]
    if len(candidates) != 1:
        return None
    candidate = candidates[0].strip("'").rstrip(".!?")
    if candidate.count("@") != 1:
        return None
    local, domain = candidate.split("@")
    if not _valid_email(local, domain):
        return None
    return f"{local}@{domain.lower()}"


# --------------------------------------------------------------------------------------------
# Child's age / year group
# --------------------------------------------------------------------------------------------

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "a": 1, "an": 1,
}
_WORD_NUMBER = re.compile(
    r"\b(?:(twenty)[\s-]?(one|two|three|four|five|six|seven|eight|nine)"
    r"|(zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen"
    r"|fifteen|sixteen|seventeen|eighteen|nineteen|twenty))\b"
)
_ORDINAL = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12, "thirteenth": 13,
}
_MAX_AGE = 25  # SEND support covers 0 to 25


def _words_to_digits(text: str) -> str:
    def repl(match: re.Match[str]) -> str:
        if match.group(1):
            return str(20 + _UNITS[match.group(2)])
        return str(_UNITS[match.group(3)])

    return _WORD_NUMBER.sub(repl, text)


def _phase_for_age(age: int) -> str:
    if age <= 4:
        return "early_years"
    if age <= 10:
        return "primary"
    if age <= 15:
        return "secondary"
    return "post16"


def _phase_for_year(year: int) -> str:
    if year <= 6:
        return "primary"
    if year <= 11:
        return "secondary"
    return "post16"


def _parse_year(low: str) -> tuple[str | None, int | None, str | None, str]:
    """(year label, starting age, phase, text with the year group taken out)."""
    checks = (
        (r"\b(?:nursery|pre-?school|playgroup|fs1|f1)\b", "Nursery", 3, "early_years"),
        (r"\b(?:rec(?:e?p|pe)t?i?on|recep|foundation\s+stage\s+2|fs2|f2)(?:\s+class)?\b",
         "Reception", 4, "primary"),
        (r"\b(?:lower\s+|upper\s+)?(?:6th|sixth)[\s-]?form\b", "Sixth form", 16, "post16"),
    )
    for pattern, label, age, phase in checks:
        match = re.search(pattern, low)
        if match:
            return label, age, phase, low[: match.start()] + " " + low[match.end() :]
    match = re.search(r"\b(?:year|yr|y)\s?[-.]?\s?(\d{1,2})\b(?!\s*(?:old|olds|yo)\b)", low)
    if match is None:
        ordinal = re.search(r"\b(" + "|".join(_ORDINAL) + r")\s+year\b(?!\s*old)", low)
        if ordinal is None:
            return None, None, None, low
        number, match = _ORDINAL[ordinal.group(1)], ordinal
    else:
        number = int(match.group(1))
    if not 1 <= number <= 13:
        return "invalid", None, None, low
    rest = low[: match.start()] + " " + low[match.end() :]
    return f"Year {number}", number + 4, _phase_for_year(number), rest


def _parse_age(low: str) -> int | None | str:
    """An age in whole years, None if none is stated, "invalid" for one out of range."""
    years = re.search(
        r"(?<![\d.])(\d{1,3})(?:\.\d+|½|\s+and\s+a\s+(?:half|bit))?\s*-?\s*"
        r"(?:years?|yrs?|y\s?/\s?o|yo|y\.o\.?|yr\s+old)\b",
        low,
    )
    if years:
        age = int(years.group(1))
    else:
        months = re.search(r"(?<![\d.])(\d{1,3})\s*-?\s*(?:months?|mths?|mnths?|mo)\b", low)
        if months:
            age = int(months.group(1)) // 12
        else:
            # a bare number, not one glued to letters ("LS6 2AB")
            numbers = re.findall(r"(?<![\w.\-])(-?\d{1,3})(?:\.\d+)?(?!\w)", low)
            if not numbers:
                return None
            age = int(numbers[0])
    if age < 0 or age > _MAX_AGE:
        return "invalid"
    return age


def parse_child_age(text: str) -> dict | None:
    """{"age": int | None, "year": str | None, "phase": ...} from an age ("7", "he's 7",
    "7yo", "seven", "7 and a half", "18 months", "2 year old", "age 16") or a school year
    ("year 3", "yr 10", "y6", "reception", "nursery", "sixth form"). A year group gives the age
    a child starts it at (Reception 4, Year 1 5 ... Year 13 17) unless an age is also stated.
    Phases: early_years (0-4, nursery), primary (5-10, Reception-Year 6), secondary (11-15,
    Years 7-11), post16 (16-25, Years 12-13, sixth form, college). None for nonsense, ages
    over 25 and year groups that do not exist."""
    cleaned = _clean(text.replace("½", ".5") if isinstance(text, str) else text)
    if cleaned is None or len(cleaned) > 200:
        return None
    low = _payload(cleaned).replace("’", "'")
    low = re.sub(r"\ban?\s+(year|month)(?=\s+old\b)", r"1 \1", low)
    low = re.sub(r"\b(age|aged)(\d)", r"\1 \2", low)
    low = _words_to_digits(low)
    if re.search(r"\d{5,}", low):
        return None  # a phone number, a postcode... not an age
    year, year_age, phase, rest = _parse_year(low)
    if year == "invalid":
        return None
    age = _parse_age(rest)
    if age == "invalid":
        return None
    if age is None:
        age = year_age
    if phase is None and re.search(r"\b(?:college|further\s+education|apprenticeship)\b", low):
        phase = "post16"
    if age is None and phase is None:
        return None
    if phase is None:
        phase = _phase_for_age(age)
    return {"age": age, "year": year, "phase": phase}


# --------------------------------------------------------------------------------------------
# Name
# --------------------------------------------------------------------------------------------

_NAME_CUES = re.compile(
    r"^(?:(?:hi|hello|hey|ok|okay|yes|yeah|sure)[\s,!.]+)*"
    r"(?:(?:my\s+)?(?:full\s+|first\s+)?name\s*(?:is|'s|:|-)?|i\s*'?\s*m|i\s+am|it\s*'?\s*s"
    r"|it\s+is|this\s+is|call\s+me|you\s+can\s+call\s+me|its|me\s*:)\s+",
    re.IGNORECASE,
)
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?(?:-[^\W\d_]+(?:['’][^\W\d_]+)?)*\.?")
_NAME_END = frozenset(
    _words("""
    and but thanks thank thx cheers please pls plz mum mom dad of from here speaking i im
    i'm my the a an is was from with for to at in on x xx xxx ta
    """)
)
_NOT_NAMES = frozenset(
    _words("""
    no nope yes yeah ok okay none n/a na skip nothing unknown anonymous test hi hello hey
    why what who prefer rather not don't dont idk sure maybe help
    """)
)
_TITLE_CASE_PARTS = re.compile(r"([^\W\d_])([^\W\d_]*)")


def _title_case(word: str) -> str:
    """'o'neill' -> "O'Neill", 'amelia-rose' -> 'Amelia-Rose'."""
    return _TITLE_CASE_PARTS.sub(lambda m: m.group(1).upper() + m.group(2).lower(), word)


_REFUSAL = re.compile(
    r"\b(?:rather\s+not|prefer\s+not|don'?t\s+want|do\s+not\s+want|not\s+say(?:ing)?"
    r"|no\s+thanks|none\s+of\s+your|not\s+telling|anonymous)\b",
    re.IGNORECASE,
)
_TITLE_DOT = re.compile(r"\b(Mr|Mrs|Ms|Miss|Mx|Dr|Prof)\.(?=\s)", re.IGNORECASE)


def parse_name(text: str) -> str | None:
    """A person's name from "Sarah", "its Sarah Jones", "my name is sarah", "I'm Mrs Khan":
    cues and trailing words ("thanks", "and my son...") dropped, all-lower/all-upper input
    title-cased, mixed case ("McDonald") kept. None for empty input, digits, emails, phone
    numbers, refusals ("no", "prefer not to say"), more than five words or over 80 characters."""
    cleaned = _clean(text)
    if cleaned is None or "@" in cleaned or re.search(r"\d", cleaned):
        return None
    cleaned = "".join(" " if unicodedata.category(ch)[0] == "S" else ch for ch in cleaned)
    cleaned = cleaned.replace("’", "'").strip()
    if _REFUSAL.search(cleaned):
        return None
    cleaned = _TITLE_DOT.sub(r"\1", cleaned)
    cleaned = _NAME_CUES.sub("", cleaned, count=1).strip()
    cleaned = re.split(r"[,;!?()\[\]{}\"/\\|:]|\.\s|\.$", cleaned, maxsplit=1)[0].strip()
    words: list[str] = []
    for word in cleaned.split():
        low = word.lower().rstrip(".")
        if words and low in _NAME_END:
            break
        if not _NAME_WORD.fullmatch(word):
            return None
        words.append(word)
    if not words or len(words) > 5:
        return None
    first = words[0].lower().rstrip(".")
    if first in _NOT_NAMES or first in _NAME_END:
        return None
    name = " ".join(words)
    if len(name) > 80 or sum(ch.isalpha() for ch in name) < 2:
        return None
    if name.islower() or name.isupper():
        name = " ".join(_title_case(word) for word in words)
    return name


# --------------------------------------------------------------------------------------------
# Urgency and contact preference
# --------------------------------------------------------------------------------------------

_URGENT_WORD = r"(?:urg[ae]nt(?:ly)?|urgnet|urgen|ugent|urget|emergency|emergancy|crisis)"
_NEGATION = r"(?:not|no|isn'?t|aren'?t|wasn'?t|non|never|nothing|hardly)"
_DEGREE = (
    r"(?:very|that|too|so|really|particularly|super|especially|an|a|massively|terribly|hugely"
    r"|overly|desperately|immediately|all|at|in|any|way)"
)
_ROUTINE = re.compile(
    r"\b(?:" + _NEGATION + r"(?:\s+" + _DEGREE + r"){0,2}\s*-?\s*" + _URGENT_WORD
    + r"|routine|can\s+wait"
    r"|no\s+(?:rush|hurry)|not\s+in\s+a\s+(?:rush|hurry)|when(?:ever)?\s+(?:you\s+)?can"
    r"|whenever|any\s?time|in\s+your\s+own\s+time|no\s+pressure|low\s+priority|not\s+(?:really\s+)?"
    r"(?:that\s+|too\s+|so\s+)?(?:important|pressing)|few\s+weeks|next\s+month|non-?urgent)\b",
    re.IGNORECASE,
)
_HEDGED = re.compile(
    r"\b(?:fairly|quite|a\s+bit|a\s+little|somewhat|kind\s+of|sort\s+of|semi|slightly)[\s-]+"
    + _URGENT_WORD + r"\b",
    re.IGNORECASE,
)
_URGENT = re.compile(
    r"(?:\b(?:" + _URGENT_WORD + r"|asap|as\s+soon\s+as\s+possible|today|tonight|right\s+now"
    r"|straight\s+away|immediately|immediate|high\s+priority|desperate|can'?t\s+wait"
    r"|cannot\s+wait)\b|\ba\.s\.a\.p\b)",
    re.IGNORECASE,
)
_SOON = re.compile(
    r"\b(?:soon|soonish|this\s+week|next\s+week|next\s+few\s+days|in\s+a\s+few\s+days"
    r"|(?:within|in)\s+(?:a|the|one)\s+week|tomorrow|couple\s+of\s+days|medium|moderate"
    r"|fairly\s+quickly|before\s+long|quickly|quick)\b",
    re.IGNORECASE,
)


def parse_urgency(text: str) -> str | None:
    """"urgent" | "soon" | "routine" from buttons or free text ("very urgent", "asap", "today",
    "this week", "not urgent", "can wait", "no rush"); negations win ("not urgent" is
    routine), hedges go to soon ("fairly urgent"). None when nothing says how soon."""
    cleaned = _clean(text)
    if cleaned is None:
        return None
    value = _payload(cleaned).replace("’", "'")
    if value in ("urgent", "soon", "routine"):
        return value
    if _ROUTINE.search(value):
        return "routine"
    if _HEDGED.search(value):
        return "soon"
    if _URGENT.search(value):
        return "urgent"
    if _SOON.search(value):
        return "soon"
    return None


_EMAIL_WORD = r"(?:e[\s-]?mail(?:ed|ing|s)?|emial|emai|emal|gmail|mail|inbox)"
_PHONE_WORD = (
    r"(?:phone(?:d|s)?|phoning|call(?:ed|ing|s)?|ring(?:ing)?|rung|tel|telephone|mobile"
    r"|mob|text(?:ed|ing|s)?|txt|sms|whatsapp|speak|talk|fone|phne|phoen)"
)
_CONTACT = re.compile(r"\b(?:(" + _EMAIL_WORD + r")|(" + _PHONE_WORD + r"))\b", re.IGNORECASE)
_CONTACT_NEG = re.compile(
    r"\b(?:not|no|don'?t|dont|never|rather\s+not|can'?t|cannot|won'?t|instead\s+of|but\s+not)"
    r"(?:\s+\w+){0,3}\s*$",
    re.IGNORECASE,
)


def parse_contact_preference(text: str) -> str | None:
    """"phone" (phone, ring me, call, text, mobile) or "email" (email, e-mail me, mail); a
    negated one is dropped ("not email, ring me" is phone, "don't call me" is email). None
    when neither, or both without a negation."""
    cleaned = _clean(text)
    if cleaned is None:
        return None
    value = _payload(cleaned).replace("’", "'")
    if value in ("phone", "email"):
        return value
    wanted: set[str] = set()
    unwanted: set[str] = set()
    for match in _CONTACT.finditer(value):
        kind = "email" if match.group(1) else "phone"
        if _CONTACT_NEG.search(value[: match.start()][-40:]):
            unwanted.add(kind)
        else:
            wanted.add(kind)
    wanted -= unwanted
    if len(wanted) == 1:
        return wanted.pop()
    if not wanted and len(unwanted) == 1:
        return "email" if "phone" in unwanted else "phone"
    return None
