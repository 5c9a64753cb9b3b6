"""Find a service: the council's service records that suit the child's age and need.

"is there anything for autistic 8 year olds after school" -> search the service records (from
ORUK feeds and the directory) with the child's age as a filter, then list a few matches with
what they offer, who can use them, how to contact them and when the record was last checked.
A record not checked for over a year says so.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date

from actions import statuses
from actions.answer import Answerer, format_date
from actions.replies import FEEDBACK_BUTTONS, Reply, source_json
from knowledge_base.types import ChunkRecord, SearchFilters

SERVICE_TYPES = ("service_record",)
MAX_SERVICES = 3
STALE_AFTER_DAYS = 365

_AGE = re.compile(
    r"\b(?:aged?\s*(\d{1,2})|(\d{1,2})\s*(?:-|\s)?(?:yo|y/o|yrs?|years?)(?:\s*-?\s*olds?)?)\b", re.IGNORECASE
)
_FIELD = re.compile(r"^(Phone|Email|Website):\s*(.+)$", re.MULTILINE)
_AGES_LINE = re.compile(r"^Ages? .+$", re.MULTILINE)


def child_age(text: str) -> int | None:
    """The child's age in years when the message states one (0 to 25)."""
    match = _AGE.search(text)
    if not match:
        return None
    value = int(match.group(1) or match.group(2))
    return value if 0 <= value <= 25 else None


@dataclass(frozen=True)
class ServiceSummary:
    title: str
    offer: str
    who: str | None
    contact: dict[str, str]
    updated: str | None
    stale: bool
    record: ChunkRecord

    def lines(self) -> list[str]:
        out = [f"{self.title}: {self.offer}"]
        if self.who:
            out.append(f"  Who can use it: {self.who}")
        how = ", ".join(f"{k.lower()} {v}" for k, v in self.contact.items() if k != "Website")
        if how:
            out.append(f"  Contact: {how}")
        checked = f"  Record last checked: {format_date(self.updated)}"
        if self.stale:
            checked += " (over a year ago, so please check the details with the service)"
        out.append(checked)
        return out


class ServiceFinder:
    def __init__(self, answerer: Answerer) -> None:
        self.answerer = answerer
        self._chunks_of: dict[str, list[ChunkRecord]] = {}
        for record in answerer.retriever.chunks:
            if record.doc_type in SERVICE_TYPES:
                self._chunks_of.setdefault(record.source_id, []).append(record)

    def summarise(self, source_id: str, today: date) -> ServiceSummary:
        records = self._chunks_of[source_id]
        first = records[0]
        text = "\n".join(r.text for r in records)
        offer = first.text.split("\n")[0]
        sentences = re.split(r"(?<=[.!?])\s+", offer)
        offer = " ".join(sentences[:2])
        ages = _AGES_LINE.search(text)
        contact = {name: value.strip() for name, value in _FIELD.findall(text)}
        stale = False
        if first.updated:
            try:
                stale = (today - date.fromisoformat(first.updated[:10])).days > STALE_AFTER_DAYS
            except ValueError:
                stale = False
        return ServiceSummary(
            title=first.title,
            offer=offer,
            who=ages.group(0) if ages else None,
            contact=contact,
            updated=first.updated,
            stale=stale,
            record=first,
        )

    def find(self, message: str, *, council: str | None = None, today: date | None = None) -> Reply:
        today = today or date.today()
        age = child_age(message)
        filters = SearchFilters(council=council, doc_types=SERVICE_TYPES, age=age)
        result = self.answerer.retriever.search(message, k=8, filters=filters)
        found: OrderedDict[str, None] = OrderedDict()
        for passage in result.passages:
            found.setdefault(passage.citation.source_id, None)
        services = [self.summarise(s, today) for s in list(found)[:MAX_SERVICES] if s in self._chunks_of]
        if not services:
            reply = self.answerer.not_in_documents()
            reply.text = reply.text.replace("an answer to that", "a service that matches", 1)
            return reply
        council_name = services[0].record.council_name
        intro = f"Here are some services in {council_name}'s directory"
        if age is not None:
            article = "an" if age in (8, 11, 18) or 80 <= age < 90 else "a"
            intro += f" for {article} {age}-year-old"
        lines = [intro + " that may help:", ""]
        for service in services:
            lines.extend(service.lines())
            lines.append("")
        lines.append("Please check with each service that it suits your child before you go.")
        return Reply(
            text="\n".join(lines),
            status=statuses.SERVICE_LIST,
            buttons=list(FEEDBACK_BUTTONS),
            sources=[source_json_with_stale(s) for s in services],
            extra={"age": age, "services": [s.title for s in services]},
        )


def source_json_with_stale(service: ServiceSummary) -> dict:
    from knowledge_base.types import Citation

    data = source_json(Citation.of(service.record))
    data["stale"] = service.stale
    data["contact"] = service.contact
    return data
