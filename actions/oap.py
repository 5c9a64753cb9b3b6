""""What should my child get?": the guided answer from the ordinarily-available-provision guidance.

The flow asks only for what it lacks: the child's phase (or age) and the area of need in
everyday words. Each part of the answer is a search of the council's OAP guidance and toolkit
for that need and phase, and quotes their sentences with sources:
  1. what the school should normally be doing,
  2. what the parent can ask the SENCO,
  3. what comes next if that is not enough (assess, plan, do, review; then an EHC needs assessment).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from actions import statuses
from actions.answer import Answerer, join_sentences, source_lines
from actions.replies import FEEDBACK_BUTTONS, TALK_TO_SOMEONE, Reply, source_json
from actions.services import child_age
from knowledge_base.types import Passage

GUIDANCE_TYPES = ("oap_guidance", "toolkit")
ANY = "any"


@dataclass(frozen=True)
class Choice:
    key: str
    label: str  # what the parent sees
    words: str  # how the guidance names it, for the search


PHASES = (
    Choice("early_years", "Early years (under 5)", "early years nursery pre-school"),
    Choice("primary", "Primary school (Reception to Year 6)", "primary school"),
    Choice("secondary", "Secondary school (Year 7 to Year 11)", "secondary school"),
    Choice("post16", "College or sixth form (16 to 25)", "post-16 college sixth form"),
)
NEEDS = (
    Choice("communication", "Talking and understanding", "communication and interaction speech language"),
    Choice("learning", "Learning", "cognition and learning reading writing maths memory"),
    Choice("semh", "Feelings and behaviour", "social, emotional and mental health anxiety behaviour"),
    Choice("sensory_physical", "Senses or movement", "sensory and physical needs hearing vision movement"),
)
_PHASE_WORDS = {
    "early_years": r"\b(nursery|pre-?school|toddler|early years|baby|under (5|five)|childminder)\b",
    "primary": r"\b(primary|reception|infant|junior|year ?[1-6]|yr ?[1-6]|y[1-6])\b",
    "secondary": r"\b(secondary|high school|year ?(7|8|9|10|11)|yr ?(7|8|9|10|11)|y(7|8|9|10|11)|gcse)\b",
    "post16": r"\b(college|sixth form|6th form|post ?16|apprentice\w*|year ?(12|13))\b",
}
_NEED_WORDS = {
    "communication": r"\b(talk\w*|speech|speak\w*|language|understand\w*|communicat\w*|autis\w*|asd|asc|slcn|instructions|words|social skills)\b",
    "learning": r"\b(learn\w*|read\w*|writ\w*|spell\w*|maths|numbers|dyslexi\w*|dyscalcul\w*|memory|behind|catch up|concentrat\w*)\b",
    "semh": r"\b(feel\w*|emotion\w*|anxi\w*|anxious|worr\w*|behaviou?r\w*|angry|anger|meltdown\w*|mental health|adhd|upset|school avoidance|ebsa|friendships?)\b",
    "sensory_physical": r"\b(hear\w*|deaf|sight|vision|visual\w*|see|blind|sensory|noise|movement|physical|wheelchair|motor|co-?ordination|dyspraxi\w*|dcd|handwriting|toilet\w*)\b",
}
SKIP_WORDS = re.compile(r"\b(skip|not sure|dont know|don'?t know|no idea|any|all|general|unsure|pass)\b", re.IGNORECASE)


def phase_for_age(age: int) -> str:
    if age < 5:
        return "early_years"
    if age < 11:
        return "primary"
    if age < 16:
        return "secondary"
    return "post16"


def parse_phase(text: str) -> str | None:
    """A phase key, ANY when the parent skips, None when the text says nothing usable."""
    lowered = text.lower().strip()
    for choice in PHASES:
        if lowered in (choice.key, choice.label.lower()):
            return choice.key
    for key, pattern in _PHASE_WORDS.items():
        if re.search(pattern, lowered):
            return key
    age = child_age(lowered)
    if age is None:
        number = re.search(r"\b(\d{1,2})\b", lowered)
        age = int(number.group(1)) if number else None
    if age is not None and 0 <= age <= 25:
        return phase_for_age(age)
    if SKIP_WORDS.search(lowered):
        return ANY
    return None


def parse_need(text: str) -> str | None:
    lowered = text.lower().strip()
    for choice in NEEDS:
        if lowered in (choice.key, choice.label.lower()):
            return choice.key
    for key, pattern in _NEED_WORDS.items():
        if re.search(pattern, lowered):
            return key
    if SKIP_WORDS.search(lowered):
        return ANY
    return None


def _choice(options: tuple[Choice, ...], key: str | None) -> Choice | None:
    return next((c for c in options if c.key == key), None)


def phase_buttons() -> list[dict]:
    return [{"title": c.label, "payload": c.key} for c in PHASES] + [{"title": "Skip this question", "payload": "skip"}]


def need_buttons() -> list[dict]:
    return [{"title": c.label, "payload": c.key} for c in NEEDS] + [{"title": "Not sure / skip", "payload": "skip"}]


PARTS = (
    ("What the school should normally be doing", "everyday classroom adjustments and small-group support the school should provide {need} {phase}"),
    ("What you can ask the SENCO", "questions parents can ask the SENCO about {need} {phase}"),
    ("If that is not enough", "if support is not enough assess plan do review specialist advice then request an EHC needs assessment {need}"),
)


def guided_answer(answerer: Answerer, phase: str | None, need: str | None, *, council: str | None = None) -> Reply:
    phase_choice = _choice(PHASES, phase)
    need_choice = _choice(NEEDS, need)
    need_words = need_choice.words if need_choice else "all areas of need"
    phase_words = phase_choice.words if phase_choice else ""
    lines: list[str] = []
    cited: list[Passage] = []
    said: set[str] = set()
    for heading, template in PARTS:
        query = template.format(need=need_words, phase=phase_words).strip()
        result = answerer.search(query, council, k=4, doc_types=GUIDANCE_TYPES)
        if not result.passages:
            continue
        chosen = answerer.extract(
            query, result.passages[:3], questions=heading.startswith("What you can ask"), exclude=said
        )
        said |= {sentence for _, sentence in chosen}
        lines.append(f"{heading}:")
        lines.append(join_sentences([sentence for _, sentence in chosen]))
        lines.append("")
        for position in sorted({p for p, _ in chosen}):
            if result.passages[position] not in cited:
                cited.append(result.passages[position])
    if not cited:
        return answerer.not_in_documents()
    about = []
    if need_choice:
        about.append(need_choice.label.lower())
    if phase_choice:
        about.append(phase_choice.label.split(" (")[0].lower())
    intro = "Here is what the council's guidance says schools should normally provide"
    intro += f" ({', '.join(about)})." if about else "."
    body = "\n".join([intro, "", *lines]).strip()
    if answerer.glossary is not None:
        body, _ = answerer.glossary.expand_first_use(body, set())
    text = "\n".join([body, "", "This is guidance, not the law; your council's documents are quoted above.", *source_lines(cited)])
    return Reply(
        text=text,
        status=statuses.ANSWERED,
        buttons=[*FEEDBACK_BUTTONS[:2], TALK_TO_SOMEONE],
        sources=[source_json(p.citation) for p in cited],
        extra={"flow": "what_should_child_get", "phase": phase or ANY, "need": need or ANY},
    )
