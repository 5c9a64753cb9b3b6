"""Lookup mode for parent champions: cited passages and the glossary (no conversation)."""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from actions.replies import source_json
from gateway.deps import SettingsDep
from knowledge_base.index_io import IndexUnavailable
from knowledge_base.types import SearchFilters

router = APIRouter(tags=["lookup"])
log = logging.getLogger("gateway.lookup")
DOC_TYPES = ("local_offer_page", "oap_guidance", "toolkit", "service_record", "policy_position", "research")


class SearchHit(BaseModel):
    text: str
    score: float
    source: dict


class SearchResponse(BaseModel):
    query: str
    answerable: bool
    answerability: float
    results: list[SearchHit]


class GlossaryEntry(BaseModel):
    term: str
    expansion: str | None
    definition: str
    meanings: list[dict] = []
    see_also: list[str] = []


def _entry(term) -> dict:
    return {"term": term.term, "expansion": term.expansion, "definition": term.definition,
            "meanings": [{"expansion": e, "definition": d} for e, d in term.meanings],
            "see_also": list(term.see_also)}


@router.get("/api/search", response_model=SearchResponse)
async def search(
    request: Request,
    settings: SettingsDep,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What to look up")],
    council: Annotated[str | None, Query(max_length=64)] = None,
    type: Annotated[list[str] | None, Query(description="Document types")] = None,
    k: Annotated[int, Query(ge=1, le=20)] = 8,
):
    types = tuple(type or ())
    unknown = [t for t in types if t not in DOC_TYPES]
    if unknown:
        raise HTTPException(status_code=400, detail=f"Unknown document type: {', '.join(unknown)}. "
                                                    f"Use one of: {', '.join(DOC_TYPES)}.")
    try:
        retriever = await run_in_threadpool(request.app.state.retriever)
    except IndexUnavailable as exc:  # the problem and its fix go to the log, not to the parent
        log.error("search unavailable: %s", exc)
        raise HTTPException(status_code=503, headers={"Retry-After": "60"},
                            detail="Search is not available just now. Please try again later.") from None
    filters = SearchFilters(council=council, doc_types=types) if (council or types) else None
    result = await run_in_threadpool(retriever.search, q, k, filters)
    return {
        "query": q,
        "answerable": bool(result.answerable),
        "answerability": round(result.answerability, 3),
        "results": [{"text": p.text, "score": round(p.score, 5), "source": source_json(p.citation)}
                    for p in result.passages],
    }


@router.get("/api/glossary", response_model=list[GlossaryEntry])
async def glossary(request: Request):
    return [_entry(t) for t in request.app.state.glossary().terms()]


@router.get("/api/glossary/{term}", response_model=GlossaryEntry, responses={404: {"description": "Not a known term"}})
async def glossary_term(term: str, request: Request):
    found = request.app.state.glossary().lookup(term[:200])
    if found is None:
        raise HTTPException(status_code=404, detail="That term isn't in the glossary.")
    return _entry(found)
