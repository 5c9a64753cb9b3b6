"""Hybrid search: dense (FAISS) and BM25 rankings fused by reciprocal rank fusion.

    search(query, k, filters) -> SearchResult(passages with citations, answerability)

The query is first prepared (abbreviations expanded, misspellings corrected against the
index's vocabulary), then each ranker returns its best `candidates`; a passage's fused score
is the sum over rankers of weight / (RRF_K + rank). Filters (council, document type, the
child's age) are applied inside both rankers, so they never return passages the caller must
throw away.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import faiss
import numpy as np

from knowledge_base import index_io
from knowledge_base.answerability import Calibration, answerability_features, load_calibration
from knowledge_base.embedding import Embedder, shared_embedder
from knowledge_base.text import PreparedQuery, Speller, bm25_tokens, prepare_query
from knowledge_base.types import ChunkRecord, Citation, Passage, SearchFilters, SearchResult

# Tuned on the development sets (ADR 0003). Each stretch of text is in two tilings, so it takes
# about twice as many ranks as with one: 40 here weighs ranks as 20 did with a single tiling.
RRF_K = 40
CANDIDATES = 100  # per ranker; deep enough that diversification finds other documents
SOURCE_DECAY = 0.0  # a long document's later passages wait until every source has had a turn (ADR 0003)
LONG_DOCUMENT = 30  # passages; shorter documents (a council web page) are never held back
WINDOWS_PER_CHUNK = 3  # FAISS returns windows; over-fetch so that n distinct chunks come back
MODES = ("fused", "bm25", "dense")
DUPLICATE_OVERLAP = 0.5  # a passage sharing more than half its words with one already chosen is left out


@dataclass(frozen=True)
class FusionWeights:
    dense: float = 1.0
    # Exact words matter for named things (SENDIASS, Portage, "sen support"); 1.3 did better
    # with one tiling and the expanded dense query, 1.1 with two tilings (ADR 0003).
    bm25: float = 1.1


class Retriever:
    def __init__(
        self,
        index: index_io.IndexData,
        embedder: Embedder,
        calibration: Calibration | None = None,
        weights: FusionWeights = FusionWeights(),
    ) -> None:
        if index.model_id != embedder.model_id:
            raise index_io.IndexUnavailable(
                f"index {index.path} was built with model {index.model_id}, but the configured model is "
                f"{embedder.model_id}: {index_io.REBUILD_HINT}"
            )
        self.index = index
        self.embedder = embedder
        self.calibration = calibration or load_calibration()
        self.weights = weights
        self.speller = Speller(index.vocabulary)
        self._window_row = dict(zip((int(i) for i in index.window_ids), (int(r) for r in index.window_rows)))
        self._windows_of: list[list[int]] = [[] for _ in index.chunks]
        for window_id, row in zip(index.window_ids, index.window_rows):
            self._windows_of[int(row)].append(int(window_id))
        self._councils = np.array([c.council for c in index.chunks], dtype=object)
        self._doc_types = np.array([c.doc_type for c in index.chunks], dtype=object)
        self._min_age = np.array([-1 if c.min_age is None else c.min_age for c in index.chunks])
        self._max_age = np.array([999 if c.max_age is None else c.max_age for c in index.chunks])
        # Passages of the main tiling: the offset one repeats the same text, half a passage along.
        self._passages_in = Counter(c.source_id for c in index.chunks if c.tiling == 0)
        self._idf = self._term_idf()
        self._lock = threading.Lock()  # bm25s and faiss searches are not documented as thread-safe
        # One query's flat scan is faster on one thread than with OpenMP's start-up and
        # contention on a small machine (docs/benchmarks.md); LOCAL_OFFER_FAISS_THREADS overrides.
        faiss.omp_set_num_threads(max(1, int(os.environ.get("LOCAL_OFFER_FAISS_THREADS", "1"))))

    def _term_idf(self) -> dict[str, float]:
        """log(1 + N/df) for every BM25 term, from the index's own posting lists."""
        bm25 = self.index.bm25
        indptr = np.asarray(bm25.scores["indptr"])
        documents = max(int(bm25.scores["num_docs"]), 1)
        idf = {}
        for term, column in bm25.vocab_dict.items():
            if column + 1 < len(indptr):
                frequency = int(indptr[column + 1] - indptr[column])
                idf[term] = float(np.log1p(documents / max(frequency, 1)))
        return idf

    def unseen_idf(self) -> float:
        """The weight of a word no passage contains: more than any word that some passage has."""
        return float(np.log1p(max(int(self.index.bm25.scores["num_docs"]), 1) * 2))

    @classmethod
    def open(cls, index_path: str | Path, model_path: str | Path | None = None) -> Retriever:
        index = index_io.load(Path(index_path))
        return cls(index, shared_embedder(str(model_path) if model_path else None))

    @property
    def chunks(self) -> list[ChunkRecord]:
        return self.index.chunks

    def _mask(self, filters: SearchFilters | None) -> np.ndarray | None:
        if filters is None:
            return None
        mask = np.ones(len(self.index.chunks), dtype=bool)
        if filters.council:
            mask &= self._councils == filters.council
        if filters.doc_types:
            mask &= np.isin(self._doc_types, list(filters.doc_types))
        if filters.age is not None:
            mask &= (self._min_age <= filters.age) & (self._max_age >= filters.age)
        return None if mask.all() else mask

    def _dense(self, vector: np.ndarray, n: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """Chunks ranked by their best window (windows of one chunk come back together)."""
        params = None
        if mask is not None:
            allowed = self.index.window_ids[mask[self.index.window_rows]]
            params = faiss.SearchParameters(sel=faiss.IDSelectorBatch(allowed))
        windows = min(self.index.dense.ntotal, n * WINDOWS_PER_CHUNK)
        scores, labels = self.index.dense.search(vector, windows, params=params)
        best: dict[int, float] = {}
        for label, score in zip(labels[0], scores[0]):
            if label == -1:
                continue
            row = self._window_row[int(label)]
            if row not in best:
                best[row] = float(score)
        return list(best.items())[:n]

    def _bm25(self, prepared: PreparedQuery, n: int, mask: np.ndarray | None) -> list[tuple[int, float]]:
        """The n best-scoring passages that contain at least one query term.

        Only passages with a non-zero score are ranked: a full top-k over every passage
        (bm25s.retrieve) spends most of its time ordering the zero-score ties of a large
        index (docs/benchmarks.md, "where the time goes").
        """
        tokens = [t for t in bm25_tokens(prepared.expanded) if t in self.index.bm25.vocab_dict]
        if not tokens:
            return []
        scores = np.asarray(self.index.bm25.get_scores(tokens), dtype=np.float32)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > n:
            hits = hits[np.argpartition(-scores[hits], n - 1)[:n]]
        ordered = hits[np.lexsort((hits, -scores[hits]))]
        return [(int(d), float(scores[d])) for d in ordered]

    def search(
        self,
        query: str,
        k: int = 5,
        filters: SearchFilters | None = None,
        *,
        mode: str = "fused",
        candidates: int = CANDIDATES,
        source_decay: float = SOURCE_DECAY,
    ) -> SearchResult:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        prepared = prepare_query(query, self.speller)
        mask = self._mask(filters)
        allowed = len(self.index.chunks) if mask is None else int(mask.sum())
        n = min(max(candidates, k), allowed)
        if n == 0 or not prepared.corrected.strip():
            return SearchResult(query, [], 0.0, False, {})
        vector = self._query_vector(prepared)
        with self._lock:
            dense = self._dense(vector, n, mask) if mode in ("fused", "dense") else []
            bm25 = self._bm25(prepared, n, mask) if mode in ("fused", "bm25") else []
        fused = self._fuse(dense, bm25)
        dense_scores = dict(dense)
        bm25_scores = dict(bm25)
        order = self._diversify(fused, k, source_decay)
        passages = [
            self._passage(position, fused[position], dense_scores.get(position), bm25_scores.get(position))
            for position in order
        ]
        cosines = self._cosines(vector[0], order)
        features = answerability_features(prepared, passages, cosines, dense, bm25,
                                          lambda term: self._idf.get(term, self.unseen_idf()))
        probability = self.calibration.probability(features)
        return SearchResult(query, passages, probability, probability >= self.calibration.threshold, features)

    def _query_vector(self, prepared: PreparedQuery) -> np.ndarray:
        """The dense query: the corrected question, without the abbreviations' full forms.

        MiniLM already places "ehcp" or "senco" near the full phrase; appending the expansions
        ("(education health and care plan; ...)") pulls the question towards passages that merely
        define the terms (ADR 0003: dense recall@5 0.60 with them, 0.65 without). BM25, which
        cannot know that the two forms mean the same, still gets the expansions.
        """
        return self.embedder.encode_queries([prepared.corrected])

    def _fuse(self, dense: list[tuple[int, float]], bm25: list[tuple[int, float]]) -> dict[int, float]:
        fused: dict[int, float] = {}
        for weight, ranking in ((self.weights.dense, dense), (self.weights.bm25, bm25)):
            for rank, (position, _) in enumerate(ranking, start=1):
                fused[position] = fused.get(position, 0.0) + weight / (RRF_K + rank)
        return fused

    def _diversify(self, fused: dict[int, float], k: int, source_decay: float) -> list[int]:
        """The first k passages, chosen greedily so that a long document does not fill the list.

        A long report (more than LONG_DOCUMENT passages) mentions most subjects somewhere, and its
        near-identical passages would crowd out every other source, as a search engine's results
        would be crowded by one site. So each of its passages has its fused score multiplied by
        `source_decay` once for every passage of the same document already chosen (and once
        more if it overlaps one of them). A short page's passages each answer a different
        question and are left alone. 1.0 turns this off; nothing is ever dropped, only reordered.
        """
        remaining = sorted(fused, key=lambda p: (-fused[p], p))
        chosen: list[int] = []
        taken: dict[str, list[int]] = {}

        def adjusted(position: int) -> float:
            source = self.index.chunks[position].source_id
            ahead = taken.get(source, [])
            if not ahead or self._passages_in[source] <= LONG_DOCUMENT:
                return fused[position]
            repeats = len(ahead) + any(self._overlap(position, other) > 0 for other in ahead)
            return fused[position] * source_decay**repeats

        while remaining and len(chosen) < k:
            best = max(remaining[: max(k * 10, 50)], key=lambda p: (adjusted(p), fused[p], -p))
            remaining.remove(best)
            ahead = taken.setdefault(self.index.chunks[best].source_id, [])
            if any(self._overlap(best, other) > DUPLICATE_OVERLAP for other in ahead):
                continue  # mostly the same text as a passage already chosen (the other tiling's)
            chosen.append(best)
            ahead.append(best)
        return chosen

    def _overlap(self, a: int, b: int) -> float:
        """The share of the shorter of two passages of one document that the other also holds."""
        first, second = self.index.chunks[a], self.index.chunks[b]
        if first.word_start is None or second.word_start is None:  # an index built before spans were kept
            return 0.2 if abs(a - b) <= 1 else 0.0  # neighbours share a sentence or two, no more
        shared = min(first.word_end, second.word_end) - max(first.word_start, second.word_start)
        shortest = min(first.word_end - first.word_start, second.word_end - second.word_start)
        return max(shared, 0) / max(shortest, 1)

    def _cosines(self, vector: np.ndarray, order: list[int]) -> list[float]:
        """Cosine similarity of the query to each returned passage (some came from BM25 only)."""
        if not order:
            return []
        return [
            max(float(self.index.dense.reconstruct(w) @ vector) for w in self._windows_of[p]) for p in order
        ]

    def _passage(self, position: int, score: float, dense: float | None, bm25: float | None) -> Passage:
        record = self.index.chunks[position]
        return Passage(
            chunk_id=record.chunk_id,
            text=record.text,
            score=score,
            citation=Citation.of(record),
            dense_score=dense,
            bm25_score=bm25,
            headings=record.headings,
            min_age=record.min_age,
            max_age=record.max_age,
        )
