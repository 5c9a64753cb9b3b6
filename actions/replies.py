"""A bot message as data: text, quick-reply buttons and the `custom` payload the widget reads."""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge_base.types import Citation

HELPFUL = {"title": "This helped", "payload": "/feedback_helpful"}
NOT_HELPFUL = {"title": "This didn't help", "payload": "/feedback_not_helpful"}
TALK_TO_SOMEONE = {"title": "Talk to someone", "payload": "/request_human"}
REFER_ME = {"title": "Yes, ask the SPA to contact me", "payload": "/start_referral"}
NO_THANKS = {"title": "No, thank you", "payload": "/deny"}
FEEDBACK_BUTTONS = [HELPFUL, NOT_HELPFUL, TALK_TO_SOMEONE]


@dataclass
class Reply:
    text: str
    status: str
    buttons: list[dict] = field(default_factory=list)
    sources: list[dict] = field(default_factory=list)
    extra: dict = field(default_factory=dict)

    def custom(self) -> dict:
        return {"status": self.status, "sources": self.sources, **self.extra}


def source_json(citation: Citation) -> dict:
    """The citation in the shape the widget and the evaluation read."""
    lines = None
    if citation.line_start is not None:
        lines = [citation.line_start, citation.line_end or citation.line_start]
    return {
        "title": citation.title,
        "url": citation.url,
        "council": citation.council_name,
        "council_id": citation.council,
        "doc": citation.source_id,
        "doc_type": citation.doc_type,
        "section": " > ".join(citation.heading_path) or None,
        "lines": lines,
        "page": citation.page_start,
        "updated": citation.updated,
    }
