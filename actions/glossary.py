"""SEND glossary: plain-English meanings of the jargon parent carers meet in England.

The terms live in ``glossary.yml`` beside this module. :class:`Glossary` answers "what does
EHCP mean?", spots jargon in a piece of text and writes out acronyms on their first use.

Matching rules, in short:

* Forms (a term and its aliases) are compared ignoring case, dots, apostrophes and spacing,
  so "EHC plan", "ehc plan" and "e.h.c.p" are the same form.
* In running text (:meth:`Glossary.find_terms`) short capital acronyms whose lower-case form
  is an everyday word ("LA", "HI", "OT", "TA", "PIP", "SEND"...) are only spotted when written
  in capitals: all forms of one or two capital letters, and every form of a term marked
  ``case_sensitive: true`` in the YAML.
* :meth:`Glossary.lookup` is forgiving: "whats a senco??", "what does ot mean", "ehcnp".

Needs PyYAML; uses rapidfuzz for typos when installed (difflib otherwise). Nothing from Rasa;
runs on Python 3.10 too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

import yaml

try:
    from rapidfuzz import fuzz, process
except ImportError:  # pragma: no cover - e.g. the Rasa environment; difflib is close enough
    fuzz = process = None

DEFAULT_PATH = Path(__file__).with_name("glossary.yml")

# Words that frame a question about a term ("what does X mean?"): stripped from the ends only.
_FILLER = frozenset(
    {
        "a",
        "about",
        "abbreviation",
        "acronym",
        "actually",
        "again",
        "am",
        "an",
        "and",
        "anyone",
        "are",
        "as",
        "at",
        "bit",
        "by",
        "can",
        "could",
        "define",
        "definition",
        "describe",
        "did",
        "do",
        "does",
        "dont",
        "dose",
        "explain",
        "exactly",
        "for",
        "heard",
        "hello",
        "help",
        "hey",
        "hi",
        "how",
        "i",
        "im",
        "is",
        "it",
        "just",
        "kind",
        "know",
        "me",
        "mean",
        "meaning",
        "meanings",
        "means",
        "meant",
        "my",
        "of",
        "oh",
        "ok",
        "okay",
        "on",
        "please",
        "pls",
        "plz",
        "quick",
        "quickly",
        "really",
        "s",
        "short",
        "so",
        "sorry",
        "stand",
        "standing",
        "stands",
        "sure",
        "tell",
        "term",
        "thank",
        "thanks",
        "that",
        "the",
        "this",
        "u",
        "um",
        "understand",
        "wat",
        "wats",
        "we",
        "were",
        "what",
        "whats",
        "who",
        "whos",
        "word",
        "wot",
        "wots",
        "would",
        "you",
        "your",
    }
)

_WORD = r"[A-Za-z0-9]"
# Every form starts at the start of a word: checking that first lets the engine skip the other
# positions of a text without trying each of the hundreds of forms there (about 10x faster).
_WORD_START = r"(?<![A-Za-z0-9])(?=[A-Za-z0-9])"
_WORD_STARTS = re.compile(_WORD_START + _WORD)
_URLISH = re.compile(r"https?://\S+|www\.\S+|\S+@\S+\.\S+", re.IGNORECASE)

# Fuzzy matching is strict: a typo in a whole question ("ehcnp", "sendiasss") or in one long
# word of it ("the sendias service"), never a near miss between ordinary words.
_FUZZY_CORE_CUTOFF = 87.0
_FUZZY_CORE_MIN_LEN = 4
_FUZZY_TOKEN_CUTOFF = 88.0
_FUZZY_TOKEN_MIN_LEN = 6


@dataclass(frozen=True)
class GlossaryTerm:
    """One glossary entry; ``meanings`` is set (and ``expansion`` is None) for ambiguous acronyms."""

    term: str
    expansion: str | None
    aliases: tuple[str, ...]
    definition: str
    meanings: tuple[tuple[str, str], ...] = ()
    see_also: tuple[str, ...] = ()
    case_sensitive: bool = False

    @property
    def is_ambiguous(self) -> bool:
        return bool(self.meanings)

    @property
    def forms(self) -> tuple[str, ...]:
        """The display term followed by its aliases."""
        return (self.term, *self.aliases)


@dataclass(frozen=True)
class _Form:
    """One written form of a term, as used by the matchers."""

    text: str
    term: GlossaryTerm
    case_sensitive: bool
    expandable: bool  # writing "(expansion)" after this form helps the reader
    pure_acronym: bool  # one word with two or more capitals: "EHCP", "SENCo", "SpLD"


def normalise(text: str) -> str:
    """Lower case; dots and apostrophes dropped; "&" read as "and"; other punctuation as spaces."""
    text = text.lower().replace("’", "'").replace("‘", "'").replace("&", " and ")
    text = re.sub(r"[.'`]", "", text)
    return " ".join(re.findall(r"[a-z0-9]+", text))


def _best_match(query: str, choices: list[str], cutoff: float) -> int | None:
    """Index of the choice most like ``query`` (similarity 0 to 100), if at least ``cutoff``."""
    if process is not None:
        best = process.extractOne(query, choices, scorer=fuzz.ratio, score_cutoff=cutoff)
        return None if best is None else best[2]
    scores = [SequenceMatcher(None, query, choice).ratio() * 100 for choice in choices]
    if not scores or max(scores) < cutoff:
        return None
    return scores.index(max(scores))


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")


def _capitals(text: str) -> int:
    return sum(1 for ch in text if ch.isupper())


def _letters(text: str) -> int:
    return sum(1 for ch in text if ch.isalpha())


def _is_pure_acronym(form: str) -> bool:
    return " " not in form and _capitals(form) >= 2 and bool(re.fullmatch(r"[A-Za-z0-9]+", form))


def _form_pattern(form: str) -> str:
    """A regex for one form: flexible spaces; a hyphen between letters may be a space or absent."""
    parts: list[str] = []
    for i, ch in enumerate(form):
        prev_ch = form[i - 1] if i else ""
        next_ch = form[i + 1] if i + 1 < len(form) else ""
        if ch.isspace():
            if not (parts and parts[-1] == r"\s+"):
                parts.append(r"\s+")
        elif ch == "-" and prev_ch.isalpha() and next_ch.isalpha():
            parts.append(r"[-\s]?")
        elif ch in "'’":
            parts.append("['’]?")
        elif ch == "." and prev_ch.isalpha():
            parts.append(r"\.?")
        else:
            parts.append(re.escape(ch))
    body = "".join(parts)
    if _is_pure_acronym(form):
        body += "s?"  # plural: "EHCPs", "TAs"
    return rf"(?<!{_WORD}){body}(?!{_WORD})"


def _words_pattern(phrase: str) -> str:
    """A regex for a phrase that ignores punctuation and spacing between its words."""
    words = re.findall(r"[a-z0-9]+", phrase.lower().replace("’", "'"))
    return r"[\W_]*".join(re.escape(word) for word in words)


class Glossary:
    """The glossary, with lookup, jargon spotting and first-use expansion."""

    def __init__(self, terms: Iterable[GlossaryTerm]):
        self._terms = sorted(terms, key=lambda t: (t.term.casefold(), t.term))
        self._by_name = {t.term: t for t in self._terms}
        if len(self._by_name) != len(self._terms):
            raise ValueError("two glossary entries share the same term")
        self._build_indexes()

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls, path: str | Path | None = None) -> Glossary:
        """Reads the glossary YAML (default: ``glossary.yml`` next to this module)."""
        path = Path(path) if path is not None else DEFAULT_PATH
        with path.open(encoding="utf-8") as handle:
            data = yaml.safe_load(handle)
        entries = data.get("terms") if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise TypeError(f"{path}: expected a list of terms under 'terms'")
        return cls(_parse_entry(entry, path) for entry in entries)

    def _build_indexes(self) -> None:
        self._exact: dict[str, _Form] = {}
        self._compact_index: dict[str, _Form | None] = {}
        self._expansions: dict[str, GlossaryTerm] = {}
        self._forms: list[_Form] = []
        for term in self._terms:
            caps_compacts = {_compact(f) for f in term.forms if _capitals(f) >= 2}
            expansion_norm = normalise(term.expansion or "")
            for text in dict.fromkeys(term.forms):  # keeps order, drops repeats
                key = normalise(text)
                if not key:
                    raise ValueError(f"glossary term {term.term!r} has an empty alias")
                expandable = (
                    bool(term.expansion)
                    and not term.meanings
                    and f" {key} " not in f" {expansion_norm} "
                    and (
                        _capitals(text) >= 2
                        or _letters(text) == 0
                        or key.replace(" ", "") in caps_compacts
                    )
                )
                form = _Form(
                    text=text,
                    term=term,
                    case_sensitive=term.case_sensitive
                    or (not any(ch.islower() for ch in text) and 0 < _letters(text) <= 2),
                    expandable=expandable,
                    pure_acronym=_is_pure_acronym(text),
                )
                owner = self._exact.get(key)
                if owner is not None and owner.term is not term:
                    raise ValueError(
                        f"glossary form {text!r} belongs to both {owner.term.term!r} "
                        f"and {term.term!r}"
                    )
                if owner is None:
                    self._exact[key] = form
                self._forms.append(form)
                compact = key.replace(" ", "")
                seen = self._compact_index.get(compact, form)
                # A compact key shared by two terms is ambiguous: keep neither.
                self._compact_index[compact] = form if seen and seen.term is term else None
        # Spelled-out forms: a term's own expansion first, then the meanings of ambiguous ones.
        for term in self._terms:
            if term.expansion:
                self._expansions.setdefault(normalise(term.expansion), term)
        for term in self._terms:
            for expansion, _ in term.meanings:
                self._expansions.setdefault(normalise(expansion), term)

        # The forms, tried longest first, in one alternation per case rule; each alternation is
        # split by the character a form starts with, so that a word start tries only the forms
        # that begin with its letter (a text's scan is about 10x faster than trying every form
        # at every word start; the answer's first-use expansion runs this on every turn).
        self._group_form: dict[str, _Form] = {}
        self._finders: list[tuple[bool, dict[str, re.Pattern[str]]]] = []
        for case_sensitive in (False, True):
            chosen = [f for f in self._forms if f.case_sensitive is case_sensitive]
            chosen.sort(key=lambda f: len(f.text), reverse=True)  # longest form wins
            by_first: dict[str, list[str]] = {}
            for form in chosen:
                name = f"g{len(self._group_form)}"
                self._group_form[name] = form
                first = form.text[:1]
                if not re.fullmatch(_WORD, first):
                    continue  # a form must start at the start of a word: this one never can
                key = first if case_sensitive else first.lower()
                by_first.setdefault(key, []).append(f"(?P<{name}>{_form_pattern(form.text)})")
            flags = 0 if case_sensitive else re.IGNORECASE
            self._finders.append((
                not case_sensitive,
                {key: re.compile("(?:" + "|".join(alternatives) + ")", flags) for key, alternatives in by_first.items()},
            ))

        # Acronyms inside longer forms ("SEN" in "SEN support plan"), for expand_first_use.
        self._acronym_form: dict[str, _Form] = {}
        self._acronym_finders: list[re.Pattern[str]] = []
        for case_sensitive in (False, True):
            chosen = [
                f
                for f in self._forms
                if f.case_sensitive is case_sensitive and f.pure_acronym and f.expandable
            ]
            chosen.sort(key=lambda f: len(f.text), reverse=True)
            alternatives = []
            for form in chosen:
                name = f"a{len(self._acronym_form)}"
                self._acronym_form[name] = form
                alternatives.append(f"(?P<{name}>{_form_pattern(form.text)})")
            if alternatives:
                flags = 0 if case_sensitive else re.IGNORECASE
                self._acronym_finders.append(re.compile(_WORD_START + "(?:" + "|".join(alternatives) + ")", flags))

        self._expansion_patterns = {
            t.term: _words_pattern(t.expansion) for t in self._terms if t.expansion
        }
        fuzzy: dict[str, GlossaryTerm] = {}
        for form in self._forms:
            compact = _compact(form.text)
            if not form.case_sensitive and len(compact) >= _FUZZY_CORE_MIN_LEN:
                fuzzy.setdefault(compact, form.term)
        for key, term in self._expansions.items():
            fuzzy.setdefault(key.replace(" ", ""), term)
        self._fuzzy_keys = list(fuzzy)
        self._fuzzy_terms = list(fuzzy.values())
        single = {
            k: t
            for k, t in fuzzy.items()
            if len(k) >= _FUZZY_TOKEN_MIN_LEN
            and k in {_compact(f.text) for f in self._forms if " " not in normalise(f.text)}
        }
        self._token_keys = list(single)
        self._token_terms = list(single.values())

    # ------------------------------------------------------------------ queries

    def terms(self) -> list[GlossaryTerm]:
        """All entries, sorted by term."""
        return list(self._terms)

    def get(self, term: str) -> GlossaryTerm | None:
        """The entry whose display term is exactly ``term``."""
        return self._by_name.get(term)

    def __len__(self) -> int:
        return len(self._terms)

    def lookup(self, text: str) -> GlossaryTerm | None:
        """The term a message asks about, or None.

        Tries, in order: the message (less question words such as "what does ... mean") as an
        exact form or spelled-out expansion; jargon written in the message; a strict fuzzy match
        for typos. Unrelated questions ("what is the weather") give None.
        """
        if not text or not text.strip():
            return None
        tokens = normalise(text).split()
        if not tokens:
            return None
        cores = _cores(tokens)
        for core, framed in cores:
            found = self._exact_core(core, framed, text)
            if found is not None:
                return found
        occurrences = self.find_terms(text)
        if occurrences:
            return occurrences[0][2]
        return self._fuzzy(cores[-1][0])

    def _exact_core(self, core: str, framed: bool, original: str) -> GlossaryTerm | None:
        form = self._exact.get(core)
        if form is None:
            form = self._compact_index.get(core.replace(" ", ""))
        if form is not None:
            # A bare "hi" or "la" is a greeting or a place, not jargon: only "HI", "LA".
            bare = original.strip().strip("?!.,:;'\"()").strip()
            if (
                form.case_sensitive
                and not framed
                and _letters(form.text) <= 2
                and bare != form.text
            ):
                return None
            return form.term
        return self._expansions.get(core)

    def _fuzzy(self, core: str) -> GlossaryTerm | None:
        compact = core.replace(" ", "")
        if len(compact) >= _FUZZY_CORE_MIN_LEN and not compact.isdigit():
            best = _best_match(compact, self._fuzzy_keys, _FUZZY_CORE_CUTOFF)
            if best is not None:
                return self._fuzzy_terms[best]
        for token in core.split():
            if len(token) < _FUZZY_TOKEN_MIN_LEN or token in _FILLER:
                continue
            best = _best_match(token, self._token_keys, _FUZZY_TOKEN_CUTOFF)
            if best is not None:
                return self._token_terms[best]
        return None

    # ------------------------------------------------------------------ spotting jargon

    def find_terms(self, text: str) -> list[tuple[int, int, GlossaryTerm]]:
        """Jargon in ``text`` as (start, end, term), in order, whole words only, not overlapping.

        Short capital acronyms that spell everyday words ("LA", "HI", "PIP") only match in
        capitals; other forms match in any case ("ehcp", "Senco").
        """
        return [(start, end, form.term) for start, end, form in self._find(text)]

    def _find(
        self, text: str, start: int = 0, end: int | None = None
    ) -> list[tuple[int, int, _Form]]:
        end = len(text) if end is None else end
        excluded = [m.span() for m in _URLISH.finditer(text)]
        starts = [m.start() for m in _WORD_STARTS.finditer(text, start, end)]
        candidates: list[tuple[int, int, _Form]] = []
        for folded, by_first in self._finders:
            resume = start  # matches of one alternation never overlap (as with finditer)
            for position in starts:
                if position < resume:
                    continue
                first = text[position]
                finder = by_first.get(first.lower() if folded else first)
                if finder is None:
                    continue
                match = finder.match(text, position, end)
                if match is None:
                    continue
                s, e = match.span()
                resume = e
                if any(a <= s < b for a, b in excluded):
                    continue
                if e < len(text) and re.match(_WORD, text[e]):
                    continue  # cut short by ``end``: not a whole word in the real text
                assert match.lastgroup is not None
                form = self._group_form[match.lastgroup]
                # Patterns are flexible ("e.h.c.p" also matches "EHCP"): name the form written.
                key = normalise(text[s:e])
                written = self._exact.get(key) or self._exact.get(key[:-1])
                if written is not None and written.term is form.term:
                    form = written
                candidates.append((s, e, form))
        candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
        chosen: list[tuple[int, int, _Form]] = []
        last_end = -1
        for s, e, form in candidates:
            if s >= last_end:
                chosen.append((s, e, form))
                last_end = e
        return chosen

    # ------------------------------------------------------------------ expansion

    def expand_first_use(
        self, text: str, already: set[str] | frozenset[str] = frozenset()
    ) -> tuple[str, set[str]]:
        """Writes "(expansion)" after the first use of each acronym in ``text``.

        "Ask the SENCO about an EHCP" becomes "Ask the SENCO (special educational needs
        co-ordinator) about an EHCP (education, health and care plan)". Terms named in
        ``already`` (display terms, as returned before) are left alone, as are ambiguous
        acronyms ("SLT") and acronyms whose expansion is already written next to them. Returns
        the new text and ``already`` plus every term the reader now has spelled out (the ones
        expanded here and the ones the text already spelled out).
        """
        done = set(already)
        insertions: list[tuple[int, str]] = []
        for start, end, form in sorted(self._occurrences(text), key=lambda o: o[0]):
            term = form.term
            if term.term in done or not form.expandable or term.expansion is None:
                continue
            if self._spelled_out_nearby(text, start, end, term):
                done.add(term.term)
                continue
            following = text[end : end + 2]
            if following[:1] in ("-", "/") or following in ("'s", "’s"):
                continue  # "EHCP-funded", "EHCP's": wait for a cleaner use
            insertions.append((end, f" ({term.expansion})"))
            done.add(term.term)
        if not insertions:
            return text, done
        pieces: list[str] = []
        last = 0
        for position, addition in insertions:
            pieces.append(text[last:position])
            pieces.append(addition)
            last = position
        pieces.append(text[last:])
        return "".join(pieces), done

    def _occurrences(self, text: str) -> list[tuple[int, int, _Form]]:
        """Matches in order; inside a longer non-expandable form ("EHCP review", "SEN support
        plan") the acronyms it contains count as uses too."""
        result: list[tuple[int, int, _Form]] = []
        for start, end, form in self._find(text):
            if form.expandable:
                result.append((start, end, form))
                continue
            for finder in self._acronym_finders:
                for match in finder.finditer(text, start, end):
                    assert match.lastgroup is not None
                    inner = self._acronym_form[match.lastgroup]
                    if inner.term is not form.term:
                        result.append((*match.span(), inner))
        return result

    def _spelled_out_nearby(self, text: str, start: int, end: int, term: GlossaryTerm) -> bool:
        pattern = self._expansion_patterns.get(term.term)
        if not pattern:
            return False
        before = text[max(0, start - 300) : start]
        after = text[end : end + 300]
        joiners = r"(?:(?:or|also\s+called|known\s+as|meaning|means|is)\W{1,4})?"
        return bool(
            re.search(rf"{pattern}\W{{0,6}}{joiners}$", before, re.IGNORECASE)
            or re.match(rf"\W{{0,6}}{joiners}{pattern}", after, re.IGNORECASE)
        )

    # ------------------------------------------------------------------ answers

    def answer(self, term: GlossaryTerm) -> str:
        """A short plain-text chat message (no markdown) explaining ``term``."""
        if term.meanings:
            count = len(term.meanings)
            parts = [f"{term.term} can mean {count} different things."]
            for expansion, definition in term.meanings:
                parts.append(f"{_sentence_start(expansion)}: {definition}")
            parts.append("If you are not sure which one is meant, it is fine to ask.")
            text = " ".join(parts)
        elif term.expansion:
            text = f"{term.term} means {term.expansion}. {term.definition}"
        else:
            text = f"{_sentence_start(term.term)}: {term.definition}"
        related = [name for name in term.see_also if name in self._by_name][:3]
        if related:
            text += f" See also: {', '.join(related)}."
        return text


# ---------------------------------------------------------------------- helpers


def _sentence_start(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cores(tokens: list[str]) -> list[tuple[str, bool]]:
    """The message with question words stripped from its ends, longest first.

    Each core comes with whether anything was stripped: "what is hi" asks about HI, "hi" alone
    is a greeting. The last core is the most stripped one.
    """
    n = len(tokens)
    max_lead = 0
    while max_lead < n and tokens[max_lead] in _FILLER:
        max_lead += 1
    seen: dict[str, bool] = {}
    spans: list[tuple[int, int]] = []
    for lead in range(max_lead + 1):
        trail = 0
        while True:
            if lead < n - trail:
                spans.append((lead, n - trail))
            if n - trail - 1 <= lead or tokens[n - trail - 1] not in _FILLER:
                break
            trail += 1
    spans.sort(key=lambda span: (-(span[1] - span[0]), span[0]))
    for lo, hi in spans:
        core = " ".join(tokens[lo:hi])
        seen.setdefault(core, lo > 0 or hi < n)
    if not seen:
        return [("", True)]
    return list(seen.items())


def _parse_entry(entry: object, path: Path) -> GlossaryTerm:
    if not isinstance(entry, dict):
        raise TypeError(f"{path}: every glossary entry must be a mapping, got {entry!r}")
    try:
        term = str(entry["term"]).strip()
        definition = " ".join(str(entry["definition"]).split())
    except KeyError as missing:
        raise ValueError(f"{path}: glossary entry {entry!r} has no {missing}") from None
    expansion = entry.get("expansion")
    meanings = tuple(
        (str(m["expansion"]).strip(), " ".join(str(m["definition"]).split()))
        for m in entry.get("meanings") or ()
    )
    return GlossaryTerm(
        term=term,
        expansion=str(expansion).strip() if expansion else None,
        aliases=tuple(str(a).strip() for a in entry.get("aliases") or ()),
        definition=definition,
        meanings=meanings,
        see_also=tuple(str(s).strip() for s in entry.get("see_also") or ()),
        case_sensitive=bool(entry.get("case_sensitive", False)),
    )


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    """The glossary in ``glossary.yml``, loaded once."""
    return Glossary.load()
