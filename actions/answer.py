"""Compose a short, cited answer from retrieved passages, or say honestly that there is none.

Pipeline (each step can stop with a named status, see actions/statuses.py):
  retrieve  -> hybrid search over the council's index (knowledge_base.Retriever), in-process
  judge     -> the calibrated answerability signal; below it: not_in_documents
  extract   -> the 2 to 4 sentences of the best passages that carry most of the question's
               rarer words; sentences are copied, never rewritten, so nothing is invented
  explain   -> jargon expanded the first time it appears in the conversation (glossary)
  cite      -> the passages used, with title, council, date and link; caveats for research
               reports and policy-position papers, which are not the law
  offer     -> answered_offer_referral when the question says support is missing, refused
               or overdue (actions/signals.py)
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from actions import guard, statuses
from actions.council import CouncilInfo
from actions.replies import (
    FEEDBACK_BUTTONS,
    NO_THANKS,
    REFER_ME,
    TALK_TO_SOMEONE,
    Reply,
    source_json,
)
from actions.signals import referral_signals
from knowledge_base.retriever import Retriever
from knowledge_base.text import bm25_tokens, prepare_query, token_set
from knowledge_base.types import Passage, SearchFilters, SearchResult

MAX_SENTENCES = 3
MAX_ANSWER_WORDS = 90
MIN_SENTENCE_WORDS = 5
CITED_PASSAGES = 4  # passages whose sources are shown (the answer's sentences come from them)
EVIDENCE_PASSAGES = 6  # passages whose sentences may be quoted
RELATIVE_SENTENCE_FLOOR = 0.5  # a further sentence must score at least this share of the best
# Below this calibrated answerability the documents are taken not to answer. It sits under the
# calibration's own balanced-accuracy threshold because the evidence guard (actions/guard.py)
# catches most of the gaps that a lower threshold lets through (docs/dialogue.md has the sweep).
ANSWER_THRESHOLD = 0.4

_SAMPLE_NOTICE = re.compile(r"sample content|fictional council|written to demonstrate|not advice from a real", re.IGNORECASE)
_TIME_QUESTION = re.compile(r"\b(how long|how many (weeks|days|months)|when|deadline|time ?scale|time ?limit|by what date|how soon)\b", re.IGNORECASE)
_TIME_WORDS = re.compile(r"\b(\d+|six|sixteen|twenty|fifteen|two|one)\s*(working )?(weeks?|days?|months?|years?)\b|\b\d{1,2} (january|february|march|april|may|june|july|august|september|october|november|december)\b", re.IGNORECASE)
_COST_QUESTION = re.compile(r"\b(how much|cost|costs|pay|price|free|charge|fee)\b", re.IGNORECASE)
_COST_WORDS = re.compile(r"£\s?\d|\b(free|no charge|costs? nothing|means[- ]tested|funded)\b", re.IGNORECASE)
_BULLET = guard.LIST_ITEM
_SPLIT_LIST = re.compile(r"(?:(?<=[.!?:;])|^)\s+-\s+")


@dataclass
class Composed:
    reply: Reply
    result: SearchResult | None
    passages_used: list[Passage] = field(default_factory=list)
    expanded_terms: set[str] = field(default_factory=set)
    timings_ms: dict[str, float] = field(default_factory=dict)


def format_date(value: str | None) -> str:
    if not value:
        return "date not given"
    try:
        parsed = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{parsed.day} {parsed.strftime('%B %Y')}"


@lru_cache(maxsize=4096)
def _sentences(text: str) -> tuple[str, ...]:
    """Sentences and list items of a passage, in order (remembered: the same passages come back
    turn after turn, and splitting them with spaCy was a tenth of an answer's time)."""
    from ingest.chunk import split_sentences

    pieces: list[str] = []
    for line in text.splitlines() or [text]:
        for item in _SPLIT_LIST.split(line):
            item = _BULLET.sub("", item).strip()
            if item:
                pieces.extend(s.strip() for s in split_sentences(item) if s.strip())
    return tuple(pieces)


def _lists(text: str) -> list[tuple[str | None, list[str]]]:
    """The passage's lists: (the lead-in line ending in ':' or None, the items without bullets)."""
    found: list[tuple[str | None, list[str]]] = []
    previous: str | None = None
    items: list[str] = []
    for line in [*text.splitlines(), ""]:
        if _BULLET.match(line):
            items.append(_BULLET.sub("", line).strip())
            continue
        if items:
            lead = previous if previous and previous.endswith(":") else None
            found.append((lead, items))
            items = []
        previous = line.strip() or None
    return found


def _time_list(passage_text: str, sentence: str) -> list[str] | None:
    """For a "how long" question whose best sentence is one item of a list of time limits
    ("Within 6 weeks...", "Within 16 weeks...", "Within 20 weeks..."), the whole list with its
    lead-in, as lines: one limit alone answers the question only in part."""
    for lead, items in _lists(passage_text):
        if not any(sentence in item for item in items):
            continue
        timed = sum(1 for item in items if _TIME_WORDS.search(item))
        lines = ([lead] if lead and _word_count(lead) <= 30 else []) + [f"- {item}" for item in items]
        if 2 <= timed and len(items) <= 6 and sum(_word_count(line) for line in lines) <= MAX_ANSWER_WORDS:
            return lines
    return None


def join_sentences(pieces: list[str]) -> str:
    """Sentences run on; list items ("- ...") each start a line."""
    text = ""
    for piece in pieces:
        separator = "\n" if piece.startswith("- ") else " "
        text = f"{text}{separator}{piece}" if text else piece
    return text


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def source_lines(passages: list[Passage]) -> list[str]:
    """'Sources:' and one line per document (its cited pages or lines together)."""
    grouped: dict[str, list[Passage]] = {}
    for passage in passages:
        grouped.setdefault(passage.citation.source_id, []).append(passage)
    lines = ["Sources:"]
    for group in grouped.values():
        c = group[0].citation
        places = []
        for passage in group:
            location = passage.citation.location
            if location and location not in places:
                places.append(location)
        where = f", {'; '.join(places)}" if places else ""
        link = f" {c.url}" if c.url else ""
        lines.append(f"- {c.title} ({c.council_name}{where}, updated {format_date(c.updated)}){link}")
    return lines


class Answerer:
    def __init__(self, retriever: Retriever, council: CouncilInfo, glossary=None,
                 threshold: float = ANSWER_THRESHOLD) -> None:
        self.retriever = retriever
        self.council = council
        self.glossary = glossary
        self.threshold = threshold
        # council id -> name, read once: every turn asks whether to offer a choice of councils
        self.councils: dict[str, str] = {}
        for record in retriever.chunks:
            self.councils.setdefault(record.council, record.council_name)

    def _idf(self, term: str) -> float:
        return self.retriever._idf.get(term, self.retriever.unseen_idf())

    def search(self, question: str, council: str | None, k: int = 8, doc_types: tuple[str, ...] = ()) -> SearchResult:
        filters = SearchFilters(council=council, doc_types=doc_types) if (council or doc_types) else None
        return self.retriever.search(question, k=k, filters=filters)

    def answer(
        self,
        question: str,
        *,
        council: str | None = None,
        already_expanded: set[str] | frozenset = frozenset(),
        doc_types: tuple[str, ...] = (),
    ) -> Composed:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        result = self.search(question, council, doc_types=doc_types)
        timings["retrieve"] = (time.perf_counter() - started) * 1000
        reason = "below_threshold" if result.answerability < self.threshold else None
        if reason is None:
            reason = guard.check(question, result.passages, self.glossary)
        if reason is not None:
            reply = self.not_in_documents()
            reply.extra.update({"answerability": round(result.answerability, 3), "reason": reason})
            return Composed(reply, result, timings_ms=timings)

        started = time.perf_counter()
        evidence = result.passages[:EVIDENCE_PASSAGES]
        chosen = self.extract(question, evidence)
        used_positions = sorted({p for p, _ in chosen})
        cited = [evidence[p] for p in used_positions]
        for passage in result.passages[:CITED_PASSAGES]:
            if passage not in cited:
                cited.append(passage)
        cited = cited[:CITED_PASSAGES]
        body = join_sentences([sentence for _, sentence in chosen])
        expanded = set(already_expanded)
        if self.glossary is not None:
            body, expanded = self.glossary.expand_first_use(body, set(already_expanded))
        timings["compose"] = (time.perf_counter() - started) * 1000

        offer = referral_signals(question)
        text = self._render(body, cited, offer=bool(offer))
        status = statuses.ANSWERED_OFFER_REFERRAL if offer else statuses.ANSWERED
        buttons = [REFER_ME, *FEEDBACK_BUTTONS] if offer else list(FEEDBACK_BUTTONS)
        reply = Reply(
            text=text,
            status=status,
            buttons=buttons,
            sources=[source_json(p.citation) for p in cited],
            extra={
                "answerability": round(result.answerability, 3),
                "referral_signals": offer,
                "offer": "referral" if offer else None,
            },
        )
        return Composed(reply, result, cited, expanded, timings)

    def extract(
        self, question: str, passages: list[Passage], *, questions: bool = False, exclude: frozenset[str] | set[str] = frozenset()
    ) -> list[tuple[int, str]]:
        """(passage position, sentence) pairs: the best sentences, in reading order."""
        prepared = prepare_query(question, self.retriever.speller)
        query_terms = {t for t in bm25_tokens(prepared.expanded) if "_" not in t}
        query_pairs = {t for t in bm25_tokens(prepared.expanded) if "_" in t}
        wants_time = bool(_TIME_QUESTION.search(question))
        wants_cost = bool(_COST_QUESTION.search(question))
        units: list[tuple[int, int, str, frozenset[str], float]] = []
        for rank, passage in enumerate(passages):
            for index, sentence in enumerate(_sentences(passage.text)):
                if _SAMPLE_NOTICE.search(sentence) or _word_count(sentence) < MIN_SENTENCE_WORDS:
                    continue
                if sentence[0].islower() or sentence.endswith(":"):
                    continue  # a list's lead-in or an item's tail: unreadable alone
                if sentence in exclude:
                    continue  # already said in another part of the same reply
                if sentence.endswith("?") and not questions:
                    continue  # a heading-like question, not an answer
                units.append((rank, index, sentence, token_set(sentence), 0.0))
        if not units:
            return [(0, passages[0].text)]
        # A query word found in nearly every candidate sentence ("assessment" when all the
        # evidence is about assessments) tells them apart less than one found in a few.
        weights = {}
        for term in query_terms:
            containing = sum(1 for u in units if term in u[3])
            weights[term] = self._idf(term) * (1.0 + 1.0 / (1 + containing))
        total = sum(weights.values()) or 1.0
        candidates: list[tuple[float, int, int, str]] = []
        for rank, index, sentence, tokens, _ in units:
            passage = passages[rank]
            heading = token_set(passage.citation.heading_path[-1]) if passage.citation.heading_path else frozenset()
            score = sum(weights[t] for t in query_terms & tokens) / total
            score += 0.5 * sum(weights[t] for t in (query_terms & heading) - tokens) / total
            score += 0.1 * len(query_pairs & tokens)
            score += 0.25 / (1 + rank)  # the best-ranked passage is usually the best evidence
            if wants_time and _TIME_WORDS.search(sentence):
                score += 0.6
            if wants_cost and _COST_WORDS.search(sentence):
                score += 0.4
            candidates.append((score, rank, index, sentence))
        candidates.sort(key=lambda c: (-c[0], c[1], c[2]))
        best = candidates[0][0]
        if wants_time:  # the best sentence that states a time: is it one limit of a list of them?
            timed = next((c for c in candidates if _TIME_WORDS.search(c[3])), None)
            if timed and timed[0] >= best * RELATIVE_SENTENCE_FLOOR and (
                    whole := _time_list(passages[timed[1]].text, timed[3])):
                return [(timed[1], line) for line in whole]
        chosen = [candidates[0]]
        words = _word_count(candidates[0][3])
        seen = {candidates[0][3].lower()}
        for candidate in candidates[1:]:
            if len(chosen) >= MAX_SENTENCES or candidate[0] < best * RELATIVE_SENTENCE_FLOOR:
                break
            if candidate[3].lower() in seen or words + _word_count(candidate[3]) > MAX_ANSWER_WORDS:
                continue
            chosen.append(candidate)
            seen.add(candidate[3].lower())
            words += _word_count(candidate[3])
        chosen.sort(key=lambda c: (c[1], c[2]))
        return [(rank, sentence) for _, rank, _, sentence in chosen]

    def _render(self, body: str, cited: list[Passage], *, offer: bool) -> str:
        lines = [body, ""]
        lines.extend(self._caveats(cited))
        lines.extend(source_lines(cited))
        if offer:
            lines.extend([
                "",
                (f"It sounds as if the help your child needs may not be in place. I can ask "
                 f"{self.council.name}'s {self.council.spa.name} to contact you about it. Would you like that?"),
            ])
        return "\n".join(lines).strip()

    def _caveats(self, cited: list[Passage]) -> list[str]:
        notes = []
        kinds = {p.citation.doc_type for p in cited}
        councils = {p.citation.council_name for p in cited if p.citation.doc_type != "research"}
        if councils:
            names = " and ".join(sorted(councils))
            notes.append(f"This is from {names}'s published documents; other councils' local offers may differ.")
        if "research" in kinds:
            notes.append(
                "Some of this comes from a research report, not from your council's own guidance, "
                "so check what your council's local offer says."
            )
        if "policy_position" in kinds:
            notes.append("A council policy-position paper explains the council's approach; it is not the law.")
        return [*notes, ""] if notes else []

    def not_in_documents(self) -> Reply:
        c = self.council
        text = "\n".join([
            f"I'm sorry, I can't find an answer to that in {c.name}'s documents, and I don't want to guess.",
            "These people can help:",
            f"- {c.sendiass.line()}. Free, impartial and confidential advice.",
            f"- {c.spa.line()}.",
            "Would you like me to ask the SPA to contact you?",
        ])
        return Reply(
            text=text,
            status=statuses.NOT_IN_DOCUMENTS,
            buttons=[REFER_ME, NO_THANKS, TALK_TO_SOMEONE],
            extra={"contacts": [c.sendiass.to_json(), c.spa.to_json()], "offer": "referral"},
        )
