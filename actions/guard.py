"""The evidence guard: does the retrieved text hold the *kind* of answer the question asks for?

Retrieval similarity says the passages are about the question's subject; it cannot tell
whether they contain the deadline, the steps or the named benefit the parent asked about. A
research report about EHC plans is "about" "how do I apply for an EHCP?" without saying how.
So, after the calibrated answerability check, three readable checks can still decide that the
documents do not answer (each returns the reason, which the reply's `custom` carries):

  named_terms  every SEND term the question names (a glossary term, e.g. "DLA", "direct
               payments") appears, in some form, in the evidence;
  time         "how long / deadline / how many weeks" needs a sentence with a time span that
               shares a word with the question;
  amount       "how much is / what rate" needs a sentence with a sum of money (or "free")
               that shares a word with the question;
  procedure    "how do I apply / appeal / request / complain" needs a sentence that tells a
               reader how (you can, parents can, contact, ask, request, write, the form...).
"""

from __future__ import annotations

import re

from knowledge_base.text import bm25_tokens, token_set
from knowledge_base.types import Passage

EVIDENCE_PASSAGES = 5
# A list item's bullet or number ("- ", "• ", "2) "); the answer composer reads lists with it too.
LIST_ITEM = re.compile(r"^\s*(?:[-*\u2022]|\d+[.)])\s+")

_TIME_QUESTION = re.compile(
    r"\b(how long|how many (weeks|days|months)|deadline|time ?limit|time ?scale|how soon|how much time|have i got|legal limit)\b"
)
_TIME_SPAN = re.compile(
    r"\b(\d+|one|two|three|four|five|six|eight|ten|twelve|fifteen|sixteen|twenty|a|an|over a|more than a)[- ]?"
    r"(working |school |calendar )?(days?|weeks?|months?|years?|terms?)\b"
    r"|\bby \d{1,2} (january|february|march|april|may|june|july|august|september|october|november|december)\b"
)
_TIME_WORDS = {"day", "week", "month", "year", "term", "long", "ago", "time", "deadlin", "limit", "soon", "wait", "take"}
_AMOUNT_QUESTION = re.compile(r"\b(how much (is|are|does|do|will|would|money|can)|what rate|how much a week|what does it cost)\b")
_AMOUNT = re.compile(r"£\s?\d|\b\d+(\.\d+)? ?(pounds|per cent|%)|\b(free|no charge|costs? nothing|nothing to pay|means[- ]tested)\b")
_PROCEDURE_QUESTION = re.compile(
    r"\bhow (do|can|should|would) (i|we|you|parents|a parent) (go about )?(apply|ask|request|appeal|complain|challenge)\b"
    r"|\bhow to (apply|appeal|request|complain|challenge)\b|\bwhere (do|can) (i|we) (apply|appeal|complain)\b"
    r"|\bwho do (i|we) (go to|appeal to|complain to)\b"
)
_PROCEDURE_VERB = re.compile(r"\b(apply|ask|request|appeal|complain|challenge|go to)\b")
# Words that tell a reader what to do, as guidance does ("you can ask...") and reports rarely do.
_HOW_TO = re.compile(
    r"\b(you can|you could|you should|you need to|you must|you will need|you may|you have|parents can|parents may|"
    r"parents should|a parent can|families can|young people can|contact (the|us|your)|ask (the|your|us)|fill in|"
    r"write to|send (a|your|us)|apply (online|by|through|using|via|to)|request form|application form|"
    r"by (email|phone|letter)|tell (the|us)|first step|next step)\b"
)
# Asking to apply, ask or request are one procedure; appealing and challenging another.
_VERB_STEMS = {
    "apply": ("appli", "ask", "request"), "ask": ("appli", "ask", "request"), "request": ("appli", "ask", "request"),
    "appeal": ("appeal", "tribun", "challeng", "disagr"), "challenge": ("appeal", "tribun", "challeng", "disagr"),
    "complain": ("complain", "complaint"), "go to": ("appeal", "tribun", "complain", "complaint", "contact"),
}


def _sentences(passages: list[Passage]) -> list[str]:
    """Sentences and list items; an item carries its list's lead-in ("You must appeal within
    whichever of these is later: 2 months from the date of the decision letter"), since the
    item alone often does not say what it is about."""
    found: list[str] = []
    for passage in passages:
        lead = ""
        for line in passage.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if LIST_ITEM.match(line):
                item = LIST_ITEM.sub("", line)
                found.append(f"{lead} {item}" if lead else item)
                continue
            pieces = [s for s in re.split(r"(?<=[.!?;:])\s+", line) if s.strip()]
            found.extend(pieces)
            lead = pieces[-1] if pieces and pieces[-1].endswith(":") else ""
    return found


def missing_terms(question: str, passages: list[Passage], glossary) -> list[str]:
    """Glossary terms the question names that no evidence passage mentions in any form."""
    if glossary is None:
        return []
    named = glossary.find_terms(question)
    if not named:
        return []
    # from the sentences' remembered token sets (whole passages would fill that cache)
    evidence_terms = frozenset().union(*(token_set(s) for s in _sentences(passages)))
    missing = []
    for _, _, term in named:
        wanted = _term_token_sets(term)
        if wanted and not any(w <= evidence_terms for w in wanted):
            missing.append(term.term)
    return sorted(set(missing))


def _term_token_sets(term) -> list[set[str]]:
    """The token sets any one of which shows that a text mentions the glossary term."""
    forms = {f for f in term.forms} | ({term.expansion} if term.expansion else set())
    forms |= {m[0] for m in term.meanings}
    wanted = []
    for form in forms:
        tokens = bm25_tokens(form or "")
        words = [t for t in tokens if "_" not in t]
        if words:
            # An abbreviation's full name must appear as a phrase ("disability living
            # allowance", not the three words scattered over a report); a descriptive term
            # ("SEN support plan") only needs its words.
            phrase = term.expansion and len(words) > 1
            wanted.append({t for t in tokens if "_" in t} if phrase else set(words))
    return wanted


def check(question: str, passages: list[Passage], glossary=None) -> str | None:
    """The reason the evidence does not answer the question, or None when it may."""
    lowered = question.lower().replace("\u2019", "'")
    evidence = passages[:EVIDENCE_PASSAGES]
    if not evidence:
        return "no_evidence"
    missing = missing_terms(question, evidence, glossary)
    if missing:
        return "named_terms:" + ",".join(missing)
    content = {t for t in bm25_tokens(lowered) if "_" not in t and t not in _TIME_WORDS and not t.isdigit()}
    sentences = _sentences(evidence)
    if _TIME_QUESTION.search(lowered):
        # the span must be about what was asked: a word of the question, or a SEND term it names
        # in another form ("how long does an EHCP take" and "...to final EHC plan, 20 weeks")
        named = [w for _, _, term in (glossary.find_terms(question) if glossary else []) for w in _term_token_sets(term)]
        timed = [token_set(s) for s in sentences if _TIME_SPAN.search(s.lower())]
        if not any(content & tokens or any(w <= tokens for w in named) for tokens in timed):
            return "time"
    if _AMOUNT_QUESTION.search(lowered):
        priced = [token_set(s) for s in sentences if _AMOUNT.search(s.lower())]
        # The sum must be the price of what was asked about, so the sentence holding it shares
        # two of the question's words (one if the question has only one): "a free annual health
        # check" for a young person with a learning disability shares only "disability" with
        # "how much is disability living allowance a week", and is not its rate.
        needed = min(2, len(content))
        if not any(len(content & tokens) >= needed for tokens in priced):
            return "amount"
    match = _PROCEDURE_QUESTION.search(lowered)
    if match:
        verb = _PROCEDURE_VERB.search(match.group(0))
        stems = _VERB_STEMS.get(verb.group(0), ()) if verb else ()
        steps = [s for s in sentences if _HOW_TO.search(s.lower()) and set(stems) & token_set(s)]
        if not steps:
            return "procedure"
    return None
