"""Words: tokenising for BM25, and turning a parent's message into a query the documents match.

Parents write "ehcp", "senco", "sen support" and typos; council documents and reports tend to
write the terms in full. `prepare_query` adds the full form of known SEND abbreviations and
corrects misspelt words against the index's own vocabulary, so both rankers see the words the
documents actually use. Expansion only adds words: the original ones are always kept.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from functools import lru_cache

import Stemmer

# Abbreviations and shorthand as parents type them -> the words documents use.
SEND_ABBREVIATIONS: dict[str, str] = {
    "ehcp": "education health and care plan",
    "ehcps": "education health and care plans",
    "ehc": "education health and care",
    "ehcna": "education health and care needs assessment",
    "ehna": "education health and care needs assessment",
    "senco": "special educational needs coordinator",
    "sendco": "special educational needs coordinator",
    "sen": "special educational needs",
    "send": "special educational needs and disabilities",
    "sendiass": "send information advice and support service",
    "iass": "information advice and support service",
    "oap": "ordinarily available provision",
    "qft": "quality first teaching",
    "ebsa": "emotionally based school avoidance",
    "ebsna": "emotionally based school non attendance",
    "camhs": "child and adolescent mental health services",
    "salt": "speech and language therapy",
    "slt": "speech and language therapy",
    "slcn": "speech language and communication needs",
    "semh": "social emotional and mental health",
    "asd": "autism autistic spectrum",
    "asc": "autism autistic spectrum condition",
    "adhd": "attention deficit hyperactivity disorder",
    "add": "attention deficit disorder",
    "ot": "occupational therapy",
    "ep": "educational psychologist",
    "pfa": "preparing for adulthood",
    "eotas": "education otherwise than at school",
    "ehe": "elective home education",
    "ap": "alternative provision",
    "pru": "pupil referral unit",
    "la": "local authority",
    "lea": "local authority",
    "spa": "single point of access",
    "ta": "teaching assistant",
    "tas": "teaching assistants",
    "dx": "diagnosis",
    "pda": "pathological demand avoidance",
    "spld": "specific learning difficulties",
    "mld": "moderate learning difficulties",
    "sld": "severe learning difficulties",
    "pmld": "profound and multiple learning difficulties",
    "vi": "visual impairment",
    "hi": "hearing impairment",
    "dla": "disability living allowance",
    "pip": "personal independence payment",
    "gp": "doctor general practitioner",
    "dco": "designated clinical officer",
    "apdr": "assess plan do review",
    "lgsco": "local government and social care ombudsman",
    "sendist": "send tribunal",
    "pcf": "parent carer forum",
    "yp": "young person",
    "ks1": "key stage 1",
    "ks2": "key stage 2",
    "ks3": "key stage 3",
    "ks4": "key stage 4",
    "yr": "year",
    "yrs": "years",
    "sch": "school",
    "u": "you",
    "ur": "your",
    "pls": "please",
    "plz": "please",
    "ed psych": "educational psychologist",
    "1 1": "one to one",
    "121": "one to one",
}

# Function words that carry no topic in a question ("how do i", "what can my").
STOPWORDS = frozenset(
    """a about above after again against all am an and any are aren't as at be because been before
    being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
    don't down during each few for from further had hadn't has hasn't have haven't having he he'd
    he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've if in into
    is isn't it it's its itself let's me more most mustn't my myself no nor not of off on once only
    or other ought our ours ourselves out over own same shan't she she'd she'll she's should
    shouldn't so some such than that that's the their theirs them themselves then there there's
    these they they'd they'll they're they've this those through to too under until up very was
    wasn't we we'd we'll we're we've were weren't what what's when when's where where's which while
    who who's whom why why's with won't would wouldn't you you'd you'll you're you've your yours
    yourself yourselves im ive dont doesnt cant wont isnt hes shes theyre whats wats hows
    just also really still get got getting please thanks thank hi hello""".split()  # noqa: SIM905 (a word list reads better as prose)
)

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_MIN_CORRECTABLE = 4  # shorter words are too often abbreviations to "correct"
_COMMON_ENGLISH_ZIPF = 3.0  # a word this frequent in English is a real word, not a typo


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("english")


def words(text: str) -> list[str]:
    """Lower-cased word tokens, apostrophes normalised."""
    return _TOKEN.findall(text.lower().replace("\u2019", "'"))


def bm25_tokens(text: str) -> list[str]:
    """Stemmed content words for BM25, then each adjacent pair of them as one more term.

    The pairs ("sen_support", "local_offer", "health_visitor") let a passage that uses a
    parent's phrase outrank one that merely has its words somewhere.
    """
    kept = [w.replace("'", "") for w in words(text) if w not in STOPWORDS]
    stems = [s for s in _stemmer().stemWords([w for w in kept if w]) if s]
    return stems + [f"{a}_{b}" for a, b in itertools.pairwise(stems)]


@lru_cache(maxsize=16384)
def token_set(text: str) -> frozenset[str]:
    """``bm25_tokens`` of a short text as a set, remembered: the answer composer scores the same
    passages' sentences turn after turn (a few MB at most; not for building an index)."""
    return frozenset(bm25_tokens(text))


@dataclass(frozen=True)
class PreparedQuery:
    original: str
    corrected: str  # the message with misspellings fixed
    expanded: str  # corrected, plus the full form of each abbreviation
    corrections: dict[str, str]
    expansions: dict[str, str]


class Speller:
    """Corrects words that the corpus does not contain to a close, frequent corpus word."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self._known = set(vocabulary) | set(STOPWORDS) | set(SEND_ABBREVIATIONS)
        self._candidates = [w for w, n in vocabulary.items() if n >= 2 and len(w) >= 3]

    def correct(self, word: str) -> str | None:
        """A corpus word for a misspelling; None for known words, real English words and short ones."""
        if word in self._known or len(word) < _MIN_CORRECTABLE or not word.isalpha():
            return None
        from wordfreq import zipf_frequency

        if zipf_frequency(word, "en") >= _COMMON_ENGLISH_ZIPF:
            return None  # "rule" is not a typo of "role" just because the corpus lacks it
        from rapidfuzz import process
        from rapidfuzz.distance import DamerauLevenshtein

        max_edits = 1 if len(word) < 7 else 2
        matches = process.extract(
            word,
            self._candidates,
            scorer=DamerauLevenshtein.distance,
            score_cutoff=max_edits,
            limit=8,
        )
        if not matches:
            return None
        # Fewest edits first, then the more frequent word, then the one sharing the first letter.
        best = min(
            matches,
            key=lambda m: (m[1], m[0][0] != word[0], -self.vocabulary.get(m[0], 0)),
        )
        return best[0]


def prepare_query(query: str, speller: Speller | None = None) -> PreparedQuery:
    tokens = words(query)
    corrections: dict[str, str] = {}
    if speller is not None:
        for token in tokens:
            fixed = speller.correct(token)
            if fixed and fixed != token:
                corrections[token] = fixed
    corrected_tokens = [corrections.get(t, t) for t in tokens]
    corrected = " ".join(corrected_tokens)
    expansions: dict[str, str] = {}
    joined = f" {corrected} "
    for short, full in SEND_ABBREVIATIONS.items():
        if f" {short} " in joined and short not in expansions:
            expansions[short] = full
    additions = [full for full in expansions.values()]
    expanded = corrected if not additions else f"{corrected} ({'; '.join(additions)})"
    return PreparedQuery(query, corrected, expanded, corrections, expansions)
