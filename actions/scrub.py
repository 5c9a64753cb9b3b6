"""Personal-data scrubber for chat messages and log lines.

`scrub(text)` replaces personal data with readable placeholders so that what is left still
reads as English:

    "my name is Sarah Jones, call me on 07700 900123"  ->  "my name is [name], call me on [phone]"

What it finds, in order of precedence when two findings overlap:

| placeholder     | how                                                                        |
| --------------- | -------------------------------------------------------------------------- |
| `[email]`       | regex (also inside a URL's query string)                                   |
| (kept)          | URLs (`https://...`, `www...`, bare `council.gov.uk/...`) are not personal |
| `[nhs_number]`  | 10 digits, 3-3-4 spaced/hyphenated or unbroken (not starting with 0)       |
| `[ni_number]`   | National Insurance number, `QQ 12 34 56 C` with or without spaces          |
| `[date]`        | full dates (numeric d/m/y, "12 March 2015", "3rd of May 2016", ISO) and    |
|                 | birthdays after a cue ("born on the 3rd of May", "dob 3/5")                |
| `[phone]`       | UK numbers (07..., 01..., 02..., 03..., 08..., +44, 0044, "(0...)") with   |
|                 | the digit count of a real number; other "+CC" international numbers        |
| `[postcode]`    | full UK postcodes with a real area code (SW1A 1AA, m1 1ae, LS62AB)         |
| `[address]`     | house number + street name + street type ("Flat 2, 14 Oak Road")           |
| `[name]`        | spaCy (blank English, rule-based `Matcher`): a name after a cue ("my name  |
|                 | is", "I'm", "this is", "call me", "my son", "is called", "her name's",     |
|                 | "thanks,"), after a title (Mrs Khan -> "Mrs [name]"), or a capitalised     |
|                 | common UK first name from `FIRST_NAMES` anywhere else                      |

Precision rules for names: SEND vocabulary (SENCO, EHCP, Autism, the council's name...),
function words, days and months are never names; first names that are also English words
("Will", "Grace", "Mark") are only taken mid-sentence, and months/virtues ("May", "Hope") only
after a cue; a candidate followed by School/Primary/Council/... or preceded by "St" is an
organisation; for names that are not in the list, a cue is needed and the word must be rare in
English (wordfreq Zipf frequency), so "I'm Worried" stays as it is.

Numbers that are not personal survive: "6 weeks", "year 7", "999", "111", ages, "0-25",
"2023/24": a phone number needs a leading 0/+44/+CC and the digit count of a real number.
Every regex is linear (bounded repeats, no nested ambiguous quantifiers), the spaCy pipeline is
built once, lazily, and a long text is tokenised in slices of 20,000 characters, so a 500
character message takes about a millisecond and a hostile 50,000 character one well under a
second, without raising.

`ScrubbingFilter` / `install_log_scrubbing()` apply the same scrubber to log records.
"""

from __future__ import annotations

import bisect
import logging
import re
import threading
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

__all__ = [
    "FIRST_NAMES",
    "ScrubbingFilter",
    "install_log_scrubbing",
    "scrub",
]

# --------------------------------------------------------------------------------------------
# Word lists
# --------------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES: frozenset[str] = frozenset(
    _words("""
    aaliyah aaron aarav abbie abby abdul abdullah abi abigail ada adaeze adam adeel adil adrian
    ahmed aidan aiden aimee aisha aishah ajay alan albert aleena alesha alex alexander alexandra
    alexis alfie alfred ali alice alicia alina alisha alison alistair amara amber amelia amelie
    amina amir amira amy ana anaya ananya andrea andrew andy angela angus anika anil anjali
    ann anna anne annie anthony antoni april arabella archie aria ariana arjun arlo arthur
    asha ashley ashton aurora ava ayaan ayan ayesha ayla ayo barbara barry bea beatrice becky
    bella ben benjamin benji beth bethan bethany bilal billie billy blake bobby bonnie bradley
    brandon brenda brian bronwen caitlin caleb callum cameron cara carla carly caroline carter
    cassie catherine cerys charlene charles charlie charlotte chelsea chidi chioma chloe chris
    christina christine christopher cian ciara ciaran clara claire clare colin connor conor
    courtney craig cyrus dafydd daisy dami dan daniel daniela danielle danny darcey darcie
    darcy darren david dawid dawn dean debbie deborah declan deepa delilah denise derek diana
    diya dominic donna dougie duncan dylan ebony edie edward eilidh elaine eleanor elena eli
    elias elijah elizabeth ella ellen ellie elliot elliott eloise elsie emeka emilia emily
    emma eric erin esme ethan euan eva eve evelyn evie ewan ezra fatima fatma felicity felix
    ffion filip finlay finley finn fiona florence folake fraser freddie freddy freya funmi
    gabriel gabriella gareth gary gemma george georgia georgina gillian gordon grace gracie
    graham gurpreet hafsa hallie hamish hamza hana hannah harleen harley harper harriet
    harrison harry harvey hassan hayden hayley heather hector heidi helen henry hiba holly
    hollie hugo hussain ian ibrahim idris imogen imran inaya indie ines iqra irene iris isaac
    isabel isabella isabelle isla ismail isobel ivan ivy jack jackie jackson jacob jacqueline
    jada jade jaden jake jakub james jamie jane janet jasmine jason jaspreet jaxon jay jayden
    jaylen jean jemima jenna jennifer jenny jenson jess jesse jessica jim jimmy jo joan
    joanna joanne jodie joe joel joey john johnny jon jonathan jordan joseph josh joshua jude
    julia julie justin kacper kai karen kate katherine kathryn katie kavita kay kaya kayden kayla
    kayleigh keira keith kelly kemi kenneth kerry kevin khadija kieran kiera kim kirsty kofi
    kwame kyle lacey laila lana laura lauren layla leah leanne lena lenny leo leon levi lewis
    lexi liam lily linda lisa logan lola lorraine lottie louie louis louise luca lucas lucy
    luke luna lyla lynn lynne mabel macie maddison madison maisie maja malcolm mandy manpreet
    marcus margaret margot maria mariam marie marnie martha martin mary maryam mason mateusz
    matilda matt matthew maureen maya megan melanie mia michael michelle mikey millie milo
    mohammad mohammed mohamed molly mollie morag muhammad muhammed nadia nancy naomi natalia
    natalie nathan nathaniel neha nell nellie nevaeh ngozi nia niall niamh nicholas nicola
    nicky nico noah noor nur olivia oliver oliwer oliwia ollie oluwaseun omar ophelia orla
    oscar otis owen paige pamela patricia patrick paul paula pearl penelope peter phoebe
    philip phillip piper pooja poppy priya rachel rahul ralph ravi rayan rebecca reggie reuben
    rhys riley riya robert roberto robyn rohan roisin roman ronan ronnie rory rosa rosie rowan
    ruby rupert ryan sadie safiya sally sam samantha samira samuel sana sandra sara sarah
    saoirse scarlett scott sean seamus sebastian seren shane shanice sharon sheila shirley
    sian sienna simon simran siobhan sofia sophia sophie spencer stacey stanley stephanie
    stephen steve steven stuart sunita susan suzanne szymon tallulah tanya teddy teresa thea
    theo theodore theresa thomas tia tiana tilly tina tobi tobias toby tom tomas tommy tony
    tracey tracy travis trevor tristan troy tyler umar usman valentina valerie vanessa vicky
    victoria vikram vincent violet wayne wendy wiktoria william willow winnie wyatt xavier
    yasmin yasmine yusuf yvonne zac zach zachariah zachary zain zainab zak zara zayn zoe zoey
    zuzanna
    may june august will mark grace hope faith rose
    """)
)

# First names that are also ordinary English words: only taken mid-sentence and capitalised.
_WORDISH_NAMES = frozenset(
    _words("""
    amber bella bonnie daisy dawn dean eve grace heather holly indie iris ivy jack jade jay
    jim lily mark nancy nell olive pearl piper poppy rose ruby violet will willow teddy
    harper jasmine robin sonny kay
    """)
)
# ... and those only ever taken after a cue ("my daughter is called May").
_CUE_ONLY_NAMES = frozenset(_words("may june april august hope faith joy summer autumn"))

# Common UK surnames: a lower-case word after a first name is taken as a surname only from here
# (a capitalised one is taken on its own).
_SURNAMES = frozenset(
    _words("""
    smith jones williams taylor brown davies evans wilson thomas johnson roberts robinson
    thompson wright walker white edwards hughes green hall lewis harris clarke clark patel
    jackson wood turner martin cooper hill ward morris moore lee king baker harrison morgan
    allen james scott phillips watson davis parker price bennett young griffiths mitchell
    kelly cook carter richardson bailey collins bell shaw murphy miller cox richards khan
    marshall anderson simpson ellis adams singh begum wilkinson foster chapman powell webb
    rogers gray grey mason ali hunt hussain campbell matthews owen palmer holmes mills barnes
    knight lloyd butler russell barker fisher stevens jenkins murray dixon harvey graham
    pearson ahmed fletcher walsh kaur gibson howard andrews stewart elliott reynolds saunders
    payne fox ford pearce brooks lawrence cole atkinson bradley spencer gill dawson ball burton
    o'brien watts booth perry ryan grant wells armstrong francis rees hayes hart hudson newman
    barrett webster gregory carr lowe page marsh riley dunn woods parsons berry stone reid
    holland hawkins harding porter robertson newton oliver reed kennedy williamson bird
    gardner shah lane cooke bates henderson parry burgess bishop walton burns nicholson
    shepherd ross cross freeman warren nicholls hamilton byrne sutton mcdonald yates hodgson
    robson curtis hopkins o'neill doyle akhtar begum chowdhury rahman islam uddin miah mahmood
    iqbal hussein nowak kowalski okafor adeyemi mensah osei
    """)
)

# Never part of a name, whatever the case: function words, auxiliaries, family words.
_STOP = frozenset(
    _words("""
    a about above across after again against all almost alone along already also although
    always am among an and another any anybody anyone anything anyway anywhere are aren't
    around as ask asked asking at away back bad be because been before behind being below
    best better between both but by can can't cannot could couldn't did didn't do does doesn't
    doing don't done down during each either else enough even ever every everyone everything
    few first for from get gets getting got had hadn't has hasn't have haven't having he he's
    her here hers herself him himself his how however i i'm if in into is isn't it it's its
    itself just last least less let like little lot lots many me might mine more most much
    must my myself near need needs never new next no nobody none nor not nothing now of off
    often oh ok okay on once one only or other others our ours out over own please quite
    rather really same see she she's should shouldn't since so some someone something
    sometimes soon still such than thank thanks that that's the their theirs them themselves
    then there there's these they they're thing things this those though through to today
    tomorrow too towards under until up upon us very was wasn't we we're well were weren't
    what when where whether which while who whom whose why will with within without won't
    would wouldn't yes yesterday yet you you're your yours yourself hi hello hey dear regards
    cheers sorry yeah yep nope thx ty pls plz
    mum mam mom mummy mommy dad daddy mother father parent parents carer carers nan nana nanny
    gran granny grandma grandad grandpa grandmother grandfather son daughter child children
    kid kids baby boy girl brother sister husband wife partner family aunt auntie uncle
    cousin twins twin foster guardian teacher teachers
    is are was were be been has have had does did do am
    monday tuesday wednesday thursday friday saturday sunday
    january february march april june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec
    spring summer autumn winter christmas easter
    """)
)

# SEND vocabulary and local names that must survive scrubbing.
_PROTECTED = frozenset(
    _words("""
    send sen senco sendco ehcp ehcps ehc sendiass iass ipsea camhs salt ot pt asd asc adhd add
    pda spd sld mld pmld slcn semh ld dld dcd autism autistic aspergers asperger dyslexia
    dyslexic dyspraxia dyspraxic dyscalculia epilepsy tourette tourettes downs down cerebral
    palsy brackenmoor council ofsted nhs dla pip gp ucas sendist oap spa oruk la lea eyfs
    sencos paediatrician ed psych speech language communication sensory behaviour behaviour
    behavioural behavioral social emotional academic hearing listening physical medical
    cognition learning mental health vision visual
    """)
)

# A candidate followed by one of these is an organisation or a place ("Oakfield Primary").
_ORG_WORDS = frozenset(
    _words("""
    school schools primary secondary academy college nursery council hospital centre center
    trust surgery practice university infants infant juniors junior church ward clinic
    service services team unit hub foundation federation grammar high park road street lane
    avenue close drive way crescent house hall court syndrome disease disorder county borough
    city town village station library institute partnership
    """)
)
_SAINTS = frozenset({"st", "st.", "saint", "ste"})
_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lady", "Lord")
_LOWER_TITLES = ("mr", "mrs", "mx")  # "ms" (multiple sclerosis), "miss" (the verb): no
_TITLE_WORDS = frozenset(t.lower() for t in _TITLES) | frozenset(t.lower() + "." for t in _TITLES)
_NAME_TOKEN = re.compile(r"^[^\W\d_]{1,40}(?:['’][^\W\d_]{1,40})?$")

# --------------------------------------------------------------------------------------------
# Regexes (all linear: bounded repeats, separators that cannot be confused with what they join)
# --------------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.+%-])[A-Za-z0-9](?:[A-Za-z0-9._%+'-]{0,63})"
    r"@[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}\.){1,8}[A-Za-z]{2,24}(?![\w-])"
)
# "sarah dot jones at gmail dot com"
_EMAIL_SPOKEN = re.compile(
    r"(?<![\w.])[A-Za-z0-9][A-Za-z0-9._%+-]{0,63}(?:\s{1,3}dot\s{1,3}[A-Za-z0-9]{1,30}){0,2}"
    r"\s{1,3}(?:at|\(at\)|\[at\])\s{1,3}[A-Za-z0-9-]{1,63}\s{1,3}(?:dot|\(dot\)|\[dot\])\s{1,3}"
    r"(?:com|co\s{0,3}(?:dot\s{1,3})?uk|org|net|uk|me|info)\b",
    re.IGNORECASE,
)
_URL = re.compile(r"(?<![\w@])(?:https?://|www\.)[^\s<>\"'`]{1,2048}", re.IGNORECASE)
_URL_BARE = re.compile(
    r"(?<![\w@.\-/])[A-Za-z0-9][A-Za-z0-9-]{0,62}(?:\.[A-Za-z0-9-]{1,63}){0,5}"
    r"\.(?:gov\.uk|org\.uk|co\.uk|nhs\.uk|ac\.uk|sch\.uk|com|org|net|uk|io|info)"
    r"(?:/[^\s<>\"'`]{0,2048})?(?![\w@])",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\w+/.\-])(?:[1-9]\d{9}|\d{3}[ \-]\d{3}[ \-]\d{4})(?![\w/]|[.\-]\d)")
_NI = re.compile(
    r"(?<![A-Za-z0-9])(?:QQ|[A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ ]?\d{2}[ ]?\d{2}[ ]?\d{2}[ ]?[A-D]"
    r"(?![A-Za-z0-9])",
    re.IGNORECASE,
)
_PHONE = re.compile(r"(?<![\w+/.,£$€])(?:\+|\(0|0)[\d().\- \t\u00a0]{5,24}\d(?!\d)")

_POSTCODE_AREAS = _words(
    "AB AL BA BB BD BH BL BN BR BS BT CA CB CF CH CM CO CR CT CV CW DA DD DE DG DH DL DN DT DY "
    "EC EH EN EX FK FY GL GU GY HA HD HG HP HR HS HU HX IG IM IP IV JE KA KT KW KY LA LD LE LL "
    "LN LS LU ME MK ML NE NG NN NP NR NW OL OX PA PE PH PL PO PR RG RH RM SA SE SG SK SL SM SN "
    "SO SP SR SS ST SW SY TA TD TF TN TQ TR TS TW UB WA WC WD WF WN WR WS WV YO ZE B E G L M N S W"
)
_POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(_POSTCODE_AREAS) + r")\d[A-Za-z\d]?[ \t]{0,2}\d"
    r"[ABD-HJLNP-UW-Zabd-hjlnp-uw-z]{2}(?![A-Za-z0-9])",
    re.IGNORECASE,
)

_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_ORDINAL_WORDS = (
    r"(?:(?:twenty|thirty)[\s-]?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth"
    r"|thirteenth|fourteenth|fifteenth|sixteenth|seventeenth|eighteenth|nineteenth|twentieth"
    r"|thirtieth)"
)
_DAY = r"(?:(?:3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?|" + _ORDINAL_WORDS + r")"
_YEAR = r"(?:(?:19|20)\d{2}|'\d{2}|\d{2})"
_SP = r"[ \t\u00a0]{1,3}"
_DATE_TEXT = re.compile(
    rf"(?<![\w/.\-])(?:the{_SP})?{_DAY}(?:{_SP}of)?{_SP}{_MONTH},?{_SP}{_YEAR}(?!\w)"
    rf"|(?<![\w/.\-]){_MONTH}{_SP}(?:the{_SP})?{_DAY},?{_SP}{_YEAR}(?!\w)",
    re.IGNORECASE,
)
_DATE_NUMERIC = re.compile(
    r"(?<![\w./\-])(?:(?P<d>\d{1,2})(?P<s>[/.\-])(?P<m>\d{1,2})(?P=s)(?P<y>\d{4}|\d{2})"
    r"|(?P<iy>(?:19|20)\d{2})-(?P<im>\d{1,2})-(?P<id>\d{1,2}))(?![\w]|[./\-]\d)"
)
_BIRTH_CUE = (
    r"(?:\bborn|\bd\.?o\.?b\.?|\bdate\s{1,3}of\s{1,3}birth|\bbirthday|\bb'?day)"
    r"(?:\s{0,3}(?:is|was|on|:|-|=|’s|'s)){0,3}\s{0,3}"
)
_DATE_BORN = re.compile(
    _BIRTH_CUE + rf"(?P<date>(?:the{_SP})?{_DAY}(?:{_SP}of)?{_SP}{_MONTH}(?:,?{_SP}{_YEAR})?(?!\w)"
    rf"|{_MONTH}{_SP}(?:the{_SP})?{_DAY}(?:,?{_SP}{_YEAR})?(?!\w)"
    r"|\d{1,2}[/.\-]\d{1,2}(?:[/.\-](?:\d{4}|\d{2}))?(?!\w|[/.\-]\d))",
    re.IGNORECASE,
)

_STREET_ANY_CASE = r"road|rd|street|avenue|ave|crescent|terrace|mews|boulevard|lane|gardens|grove"
_STREET_TITLE = (
    r"Road|Rd|Street|St|Avenue|Ave|Crescent|Cres|Terrace|Mews|Boulevard|Lane|Ln|Gardens|Grove"
    r"|Way|Drive|Dr|Close|Place|Pl|Court|Ct|Park|Green|Hill|View|Walk|Rise|Row|Square|Sq"
    r"|Parade|Vale|Fold|Croft|Gate|Wharf|Meadow|Meadows|Chase|Mount|Hollow|Wynd|Brow"
)
_NOT_STREET_WORD = (
    r"(?!(?:weeks?|years?|months?|days?|hours?|minutes?|mins?|yrs?|times?|miles?|doors?|houses?"
    r"|of|the|a|an|to|in|on|at|up|down|off|my|our|his|her|their|from|by|and|or|for|with|across"
    r"|along|other|kids|children|more|yr)\b)"
)
_FLAT = r"(?:(?:flat|apartment|apt|unit)\.?[ \t]{1,3}\d{1,4}[A-Za-z]?,?[ \t]{1,3})?"
_ADDRESS = re.compile(
    r"(?<![\w£$.,/\-])" + _FLAT + r"\d{1,4}[A-Za-z]?,?[ \t]{1,3}"
    r"(?:" + _NOT_STREET_WORD + r"[A-Za-z][A-Za-z'’\-]{0,24}[ \t]{1,3}){1,3}"
    r"(?:" + _STREET_ANY_CASE + r")\b\.?",
    re.IGNORECASE,
)
_ADDRESS_TITLE = re.compile(
    r"(?<![\w£$.,/\-])(?i:" + _FLAT + r")\d{1,4}[A-Za-z]?,?[ \t]{1,3}"
    r"(?:[A-Z][a-z'’]{1,24}(?:-[A-Z][a-z'’]{1,24})?[ \t]{1,3}){1,3}"
    r"(?:" + _STREET_TITLE + r")\b\.?"
)

# Precedence: lower wins an overlap. `None` labels are kept as they are (URLs).
_PRIORITY = {
    "email": 0,
    "url": 1,
    "nhs_number": 2,
    "ni_number": 3,
    "date": 4,
    "phone": 5,
    "postcode": 6,
    "address": 7,
    "name": 8,
}

# --------------------------------------------------------------------------------------------
# Phone numbers (shared with actions.validation)
# --------------------------------------------------------------------------------------------


def uk_national_digits(candidate: str) -> str | None:
    """The national digits ("07700900123") of a +44/0044/0... string, or None if not UK."""
    digits = re.sub(r"\D", "", candidate)
    stripped = candidate.lstrip()
    if stripped.startswith("+") or digits.startswith("00"):
        rest = digits.removeprefix("00")
        if not rest.startswith("44"):
            return None  # another country (or nonsense)
        rest = rest[2:]
        if re.match(r"^\s*(?:\+|00)\s*44\s*\(\s*0\s*\)", stripped):
            rest = rest[1:]  # "+44 (0)20 ..."
        elif rest.startswith("0"):
            rest = rest[1:]  # "+44 020 ..." written with the trunk 0 kept
        return "0" + rest
    return digits


def _plausible_uk(national: str) -> bool:
    """Digit count and prefix of a dialable UK number (scrubbing: inclusive)."""
    n = len(national)
    if not national.startswith("0") or national.startswith("00"):
        return False
    if national.startswith(("01", "02")):
        return n in (10, 11)
    if national.startswith(("0800", "0808")):
        return 8 <= n <= 11  # 0800 1111 (Childline) has 8
    if national.startswith(("03", "05", "07", "08", "09")):
        return n == 11 or (national.startswith("05") and n == 10)
    return False


def _phone_spans(text: str) -> Iterator[tuple[int, int]]:
    for match in _PHONE.finditer(text):
        raw = match.group()
        groups = [(m.start(), m.end()) for m in re.finditer(r"\d+", raw)]
        best_end = None
        for index in range(len(groups)):
            end = groups[index][1]
            part = raw[:end]
            digits = re.sub(r"\D", "", part)
            if part.startswith("+") or digits.startswith("00"):
                national = uk_national_digits(part)
                if national is not None:
                    ok = _plausible_uk(national)
                else:  # another country: "+33 1 23 45 67 89" (country codes start 1-9)
                    rest = digits.removeprefix("00")
                    ok = rest[:1] not in ("", "0") and 8 <= len(rest) <= 15
            else:
                ok = _plausible_uk(digits)
            if ok:
                best_end = end
        if best_end is not None:
            yield match.start(), match.start() + best_end


# --------------------------------------------------------------------------------------------
# Regex detectors
# --------------------------------------------------------------------------------------------


def _valid_numeric_date(match: re.Match[str]) -> bool:
    if match.group("iy"):
        month, day = int(match.group("im")), int(match.group("id"))
        return 1 <= month <= 12 and 1 <= day <= 31
    day, month = int(match.group("d")), int(match.group("m"))
    if match.group("s") == "." and len(match.group("y")) == 2 and day > 12 and month > 12:
        return False
    # d/m/y, or m/d/y as some people write it
    return (1 <= day <= 31 and 1 <= month <= 12) or (1 <= month <= 31 and 1 <= day <= 12)


def _regex_spans(text: str) -> list[tuple[int, int, int, str | None]]:
    spans: list[tuple[int, int, int, str | None]] = []

    def add(start: int, end: int, label: str, keep: bool = False) -> None:
        if end > start:
            spans.append((_PRIORITY[label], start, end, None if keep else label))

    for m in _EMAIL.finditer(text):
        add(m.start(), m.end(), "email")
    if " at " in text.lower() or "(at)" in text or "[at]" in text:
        for m in _EMAIL_SPOKEN.finditer(text):
            add(m.start(), m.end(), "email")
    for pattern in (_URL, _URL_BARE):
        for m in pattern.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in ".,;:!?)]}'\"":
                end -= 1
            add(m.start(), end, "url", keep=True)
    for m in _NHS.finditer(text):
        add(m.start(), m.end(), "nhs_number")
    for m in _NI.finditer(text):
        add(m.start(), m.end(), "ni_number")
    for m in _DATE_NUMERIC.finditer(text):
        if _valid_numeric_date(m):
            add(m.start(), m.end(), "date")
    for m in _DATE_TEXT.finditer(text):
        add(m.start(), m.end(), "date")
    for m in _DATE_BORN.finditer(text):
        add(m.start("date"), m.end("date"), "date")
    for start, end in _phone_spans(text):
        add(start, end, "phone")
        if text[start] == "+" or text.startswith("00", start):
            # "+1 415 555 0100": the international prefix beats a 3-3-4 "NHS number"
            spans.append((_PRIORITY["url"], start, end, "phone"))
    for m in _POSTCODE.finditer(text):
        add(m.start(), m.end(), "postcode")
    for pattern in (_ADDRESS, _ADDRESS_TITLE):
        for m in pattern.finditer(text):
            end = m.end()
            # "12 Oak Rd." keeps its full stop only when it is the abbreviation's
            if text[end - 1] == "." and not re.search(
                r"(?i)(?:rd|st|ave|cres|dr|pl|ct|sq|ln)\.$", text[m.start() : end]
            ):
                end -= 1
            add(m.start(), end, "address")
    return spans


# --------------------------------------------------------------------------------------------
# Names (spaCy blank English + Matcher)
# --------------------------------------------------------------------------------------------

_NLP_LOCK = threading.Lock()
_SURROGATE = re.compile("[\ud800-\udfff]")
_SLICE_CHARS = 20_000


@lru_cache(maxsize=1)
def _pipeline() -> tuple[Any, Any]:
    import spacy
    from spacy.matcher import Matcher

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.max_length = 2 * _SLICE_CHARS + 10
    matcher = Matcher(nlp.vocab)
    be = ["is", "was", "'s", "’s", "are", "am", "'m", "’m", "be", "were", "being", "been"]
    matcher.add(
        "strong",
        [
            [
                {"LOWER": {"IN": ["name", "names", "surname", "forename", "nickname"]}},
                {"LOWER": {"IN": ["is", "'s", "’s", "was", ":", "-", "=", "s"]}},
            ],
            [{"LOWER": {"IN": be}}, {"LOWER": {"IN": ["called", "named"]}}],
            [{"LOWER": "known"}, {"LOWER": "as"}],
            [{"LOWER": "goes"}, {"LOWER": "by"}],
        ],
    )
    relations = _words(
        "son sons daughter daughters child boy girl kid grandson granddaughter nephew niece "
        "stepson stepdaughter twins brother sister husband wife partner grandchild toddler teenager"
    )
    matcher.add("rel", [[{"LOWER": {"IN": relations}}]])
    matcher.add(
        "weak",
        [
            [{"LOWER": "i"}, {"LOWER": {"IN": ["'m", "’m", "m", "am"]}}],
            [{"LOWER": "this"}, {"LOWER": "is"}],
            [{"LOWER": "call"}, {"LOWER": "me"}],
            [{"LOWER": "it"}, {"LOWER": {"IN": ["'s", "’s", "is"]}}],
            [{"LOWER": "its"}],
            [{"LOWER": {"IN": ["thanks", "regards", "cheers", "wishes", "love", "thx"]}}],
            [{"LOWER": "thank"}, {"LOWER": "you"}],
            [{"LOWER": "from"}, {"LOWER": {"IN": ["mum", "dad", "mummy", "nan", "gran"]}}],
        ],
    )
    titles = [t for t in _TITLES] + [t + "." for t in _TITLES] + list(_LOWER_TITLES)
    titles += [t + "." for t in _LOWER_TITLES]
    matcher.add("title", [[{"TEXT": {"IN": titles}}, {"TEXT": ".", "OP": "?"}]])
    return nlp, matcher


@lru_cache(maxsize=4096)
def _zipf(word: str) -> float:
    try:
        from wordfreq import zipf_frequency
    except Exception:  # noqa: BLE001  # pragma: no cover - wordfreq is a declared dependency
        return 8.0  # unknown: treat as a common word, so only listed names are taken
    try:
        return zipf_frequency(word, "en")
    except Exception:  # noqa: BLE001  # pragma: no cover
        return 8.0


def _norm(word: str) -> str:
    return word.lower().replace("’", "'")


_OPENERS = frozenset(_words('" “ ‘ ( - – * • : > …'))


def _sentence_initial(doc: Any, i: int) -> bool:
    if i == 0 or doc[i].is_sent_start:
        return True
    prev = doc[i - 1]
    return prev.is_space or "\n" in prev.whitespace_ or prev.text in _OPENERS


def _first_ok(tok: Any, mode: str) -> bool:
    text = tok.text
    if not _NAME_TOKEN.match(text):
        return False
    low = _norm(text)
    if low in _PROTECTED or low in _TITLE_WORDS:
        return False
    cap = text[0].isupper()
    upper = len(text) > 1 and text.isupper()
    listed = low in FIRST_NAMES
    if upper and not listed:
        return False
    if low in _STOP and not (listed and cap and mode != "weak"):
        return False
    if mode == "title":
        return cap or _zipf(low) < 4.5
    if mode == "strong":
        if listed:
            return cap or low not in _WORDISH_NAMES and low not in _CUE_ONLY_NAMES
        return _zipf(low) < (4.0 if cap else 3.0)
    if mode == "rel":
        if listed:
            return cap or (low not in _WORDISH_NAMES and low not in _CUE_ONLY_NAMES)
        return cap and _zipf(low) < 4.0
    if mode == "weak":
        if listed:
            if low in _CUE_ONLY_NAMES:
                return False
            return cap or low not in _WORDISH_NAMES
        return cap and _zipf(low) < 3.0
    # standalone
    if not cap or upper or not listed or low in _CUE_ONLY_NAMES:
        return False
    return not (low in _WORDISH_NAMES and _sentence_initial(tok.doc, tok.i))


def _surname_ok(doc: Any, i: int, mode: str) -> bool:
    tok = doc[i]
    text = tok.text
    if not _NAME_TOKEN.match(text):
        return False
    low = _norm(text)
    if low in _STOP or low in _PROTECTED or low in _ORG_WORDS or low in _TITLE_WORDS:
        return False
    if tok.is_sent_start:
        return False
    if text[0].isupper():
        if len(text) > 1 and text.isupper():
            return False
        # "Sarah Gorin", "Sarah Green"; not "Aaron Speech", "Ava Listening"
        return low in _SURNAMES or low in FIRST_NAMES or _zipf(low) < 4.3
    if mode in ("rel", "standalone"):
        return False
    if low in _SURNAMES:
        return True
    nxt = doc[i + 1] if i + 1 < len(doc) else None
    at_end = nxt is None or nxt.is_punct or nxt.is_space
    return at_end and _zipf(low) < 3.0


def _take_name(doc: Any, i: int, mode: str) -> int | None:
    """End token index of a name starting at `i`, or None."""
    n = len(doc)
    if i >= n or not _first_ok(doc[i], mode):
        return None
    if i > 0 and _norm(doc[i - 1].text) in _SAINTS:
        return None
    end = i + 1
    taken = 0
    while end < n and taken < 3:
        tok = doc[end]
        # "Amelia-Rose", "Smith-Jones"
        if (
            tok.text in {"-", "‐"}
            and not doc[end - 1].whitespace_
            and not tok.whitespace_
            and end + 1 < n
            and _NAME_TOKEN.match(doc[end + 1].text)
            and _norm(doc[end + 1].text) not in _STOP
        ):
            end += 2
            taken += 1
            continue
        if doc[end - 1].whitespace_ and _surname_ok(doc, end, mode):
            end += 1
            taken += 1
            continue
        break
    if end < n:
        nxt = _norm(doc[end].text)
        if nxt in _ORG_WORDS:
            return None
    return end


def _name_spans_in(doc: Any, matcher: Any) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    vocab = doc.vocab
    for match_id, _start, end in matcher(doc):
        label = vocab.strings[match_id]
        i = end
        if label == "rel" and i < len(doc) and doc[i].text in {",", ":"}:
            i += 1
        if label == "rel" and i < len(doc) and doc[i].lower_ in {"is", "'s", "’s"}:
            # "my son is Jayden" (but "my son is autistic" fails the name test)
            i += 1
        if label != "title" and i < len(doc) and doc[i].text in {",", ":", "-"}:
            i += 1
        mode = label
        stop = _take_name(doc, i, mode)
        if stop is None:
            continue
        spans.append((i, stop))
        # "my twins Tom and Oluwaseun"
        if label in ("rel", "strong") and stop + 1 < len(doc) and doc[stop].lower_ in {"and", "&"}:
            more = _take_name(doc, stop + 1, label)
            if more is not None:
                spans.append((stop + 1, more))
    for tok in doc:
        if _norm(tok.text) in FIRST_NAMES:
            stop = _take_name(doc, tok.i, "standalone")
            if stop is not None:
                spans.append((tok.i, stop))
    return [(doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)) for a, b in spans]


def _slices(text: str) -> Iterator[tuple[int, str]]:
    """Pieces of at most _SLICE_CHARS, cut at whitespace where there is some."""
    start = 0
    n = len(text)
    while start < n:
        end = min(n, start + _SLICE_CHARS)
        if end < n:
            cut = text.rfind("\n", start + _SLICE_CHARS // 2, end)
            if cut < 0:
                cut = text.rfind(" ", start + _SLICE_CHARS // 2, end)
            if cut > start:
                end = cut + 1
        yield start, text[start:end]
        start = end


def _name_spans(text: str) -> list[tuple[int, int, int, str | None]]:
    if not re.search(r"[^\W\d_]", text):
        return []
    nlp, matcher = _pipeline()
    out: list[tuple[int, int, int, str | None]] = []
    with _NLP_LOCK:  # the Matcher and the vocab are shared
        for offset, piece in _slices(text):
            doc = nlp(_SURROGATE.sub("\ufffd", piece))  # same length: offsets hold
            for start, end in _name_spans_in(doc, matcher):
                out.append((_PRIORITY["name"], offset + start, offset + end, "name"))
    return out


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _resolve(spans: list[tuple[int, int, int, str | None]]) -> list[tuple[int, int, str]]:
    """Non-overlapping spans, earlier priority first, then earlier and longer."""
    spans.sort(key=lambda s: (s[0], s[1], -(s[2] - s[1])))
    starts: list[int] = []
    ends: list[int] = []
    labels: list[str | None] = []
    for _prio, start, end, label in spans:
        k = bisect.bisect_left(starts, start)
        if k > 0 and ends[k - 1] > start:
            continue
        if k < len(starts) and starts[k] < end:
            continue
        starts.insert(k, start)
        ends.insert(k, end)
        labels.insert(k, label)
    return [(s, e, lab) for s, e, lab in zip(starts, ends, labels) if lab is not None]


def scrub(text: str) -> str:
    """`text` with personal data replaced by [name], [phone], [email], [postcode], [date],
    [address], [nhs_number] and [ni_number]. Never raises for a str; URLs are kept."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    if not text or not any(ch.isalnum() for ch in text):
        return text
    spans = _regex_spans(text)
    spans.extend(_name_spans(text))
    if not spans:
        return text
    parts: list[str] = []
    last = 0
    for start, end, label in _resolve(spans):
        parts.append(text[last:start])
        parts.append(f"[{label}]")
        last = end
    parts.append(text[last:])
    return "".join(parts)


# --------------------------------------------------------------------------------------------
# Logging
# --------------------------------------------------------------------------------------------


class _FormattedArgs(tuple):
    """Scrubbed copy of a record's args that `LogRecord.getMessage` will not format again
    (it is falsy), while formatters that unpack args (uvicorn's access log) still can."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return False


class _FormattedKwargs(dict):
    def __bool__(self) -> bool:
        return False


def _scrub_arg(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float)):
        return value
    try:
        return scrub(value if isinstance(value, str) else str(value))
    except Exception:  # noqa: BLE001 - a broken __str__ must not break logging
        return "[redacted]"


class ScrubbingFilter(logging.Filter):
    """Scrubs a record's message (with its %-args formatted in) and args; never drops one."""

    _MARK = "_send_scrubbed"

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, self._MARK, False):
            return True
        try:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - bad %-args: keep what there is, scrubbed
                message = f"{record.msg!s} {record.args!r}"
            record.msg = scrub(message)
            args = record.args
            if isinstance(args, tuple) and args:
                record.args = _FormattedArgs(_scrub_arg(a) for a in args)
            elif isinstance(args, dict) and args:
                record.args = _FormattedKwargs({k: _scrub_arg(v) for k, v in args.items()})
            else:
                record.args = ()
            if record.exc_info and not record.exc_text:
                record.exc_text = scrub(logging.Formatter().formatException(record.exc_info))
            elif record.exc_text:
                record.exc_text = scrub(record.exc_text)
            if record.stack_info:
                record.stack_info = scrub(record.stack_info)
        except Exception:  # noqa: BLE001 - never leak, never drop
            record.msg = "[log message withheld: scrubbing failed]"
            record.args = ()
        setattr(record, self._MARK, True)
        return True


_FILTER = ScrubbingFilter()
_INSTALL_LOCK = threading.Lock()


def _add_filter(target: logging.Filterer) -> None:
    if not any(isinstance(f, ScrubbingFilter) for f in target.filters):
        target.addFilter(_FILTER)


def install_log_scrubbing(
    logger_names: Iterable[str] = ("", "rasa_sdk", "actions", "uvicorn", "uvicorn.access"),
) -> None:
    """Add the scrubbing filter to those loggers, to their handlers and to every handler of
    the root logger. Idempotent. (A logger's filters only see records logged on it, not those
    propagated from children: the handler filters catch those.) Handlers added later are not
    covered: call it again after configuring logging."""
    with _INSTALL_LOCK:
        for name in logger_names:
            logger = logging.getLogger(name) if name else logging.getLogger()
            _add_filter(logger)
            for handler in logger.handlers:
                _add_filter(handler)
        for handler in logging.getLogger().handlers:
            _add_filter(handler)
