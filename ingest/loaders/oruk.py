"""Open Referral UK (HSDS 3.0 UK profile) service records -> one document per service.

Real feeds are looser than the schema: descriptions hold HTML, ages use -1 for "unknown",
timestamps come without a time zone, phone numbers hold free text, and vendors add `pc_*`
fields. The record's assurer (the person who last checked it) is named in `assurer_email` and
`pc_metadata.assured_by`; that personal address is never copied into a document.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import count
from typing import Any

from ingest.fetch import Fetcher, FetchError
from ingest.loaders.common import iso_date, normalise, require_text
from ingest.loaders.html import html_fragment_blocks
from ingest.model import Block, LoadedDocument, LoadError, LoadFailure

ABOUT = "About this service"
NOTICE = "Service notice"
WHO = "Who can use it"
COST = "What it costs"
WHEN = "When it runs"
WHERE = "Where"
CONTACT = "How to contact"

DEFAULT_MAX_PAGES = 100

# A /services list page carries a service's own fields; only a full /services/{id} record
# also carries its child arrays.
_DETAIL_FIELDS = (
    "contacts",
    "phones",
    "schedules",
    "service_at_locations",
    "service_areas",
    "cost_options",
)
_DAYS = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ADDRESS_FIELDS = ("address_1", "address_2", "city", "region", "postal_code")


def load_oruk_service(
    record: dict[str, Any], *, council: str, base_url: str | None = None
) -> LoadedDocument:
    """One service record (a /services/{id} response) as a document with labelled sections."""
    service_id = _text(record.get("id"))
    name = _text(record.get("name"))
    if not service_id or not name:
        raise LoadError("ORUK service record without an id and a name")
    base = base_url.rstrip("/") if base_url else None
    source_id = f"oruk:{base}#{service_id}" if base else f"oruk:{service_id}"
    min_age, max_age = _ages(record)
    contacts = _contacts(record)
    locations = _locations(record)
    blocks = [
        *_about(record),
        *_section(NOTICE, [_text(record.get("alert"))]),
        *_section(WHO, _who(record, min_age, max_age)),
        *_section(COST, _costs(record)),
        *_section(WHEN, [_schedule(schedule) for schedule in _list(record, "schedules")]),
        *_section(WHERE, _where(locations)),
        *_section(CONTACT, _contact_lines(contacts)),
    ]
    require_text(blocks, source_id)
    website = contacts.get("website")
    return LoadedDocument(
        source_id=source_id,
        title=name,
        council=council,
        doc_type="service_record",
        blocks=blocks,
        url=website or (f"{base}/services/{service_id}" if base else None),
        updated=iso_date(record.get("assured_date")) or iso_date(record.get("last_modified")),
        min_age=min_age,
        max_age=max_age,
        extra={
            "service_id": service_id,
            "organisation": _text((record.get("organization") or {}).get("name")) or None,
            "status": _text(record.get("status")) or None,
            "contacts": contacts,
            "locations": locations,
            "assured_date": record.get("assured_date"),
            "last_modified": record.get("last_modified"),
        },
    )


def is_service_list(payload: object) -> bool:
    """True for a /services page (the paging envelope with `contents`)."""
    return isinstance(payload, dict) and isinstance(payload.get("contents"), list)


def is_full_record(record: object) -> bool:
    """True for a full service record; False for a list page's summary of one."""
    return isinstance(record, dict) and any(field in record for field in _DETAIL_FIELDS)


def fetch_oruk_feed(
    base_url: str,
    fetcher: Fetcher,
    *,
    council: str,
    max_pages: int = DEFAULT_MAX_PAGES,
) -> Iterator[LoadedDocument | LoadFailure]:
    """Every service in an ORUK feed: pages of /services, then /services/{id} for each.

    A failed page ends the walk (later page numbers cannot be trusted); a failed service is
    reported and the walk goes on.
    """
    base = base_url.rstrip("/")
    seen: set[str] = set()
    for page_number in count(1):
        page_url = f"{base}/services?page={page_number}"
        try:
            page = _get_json(page_url, fetcher)
        except (FetchError, LoadError) as exc:
            yield LoadFailure(page_url, _reason(exc))
            return
        if not is_service_list(page):
            yield LoadFailure(page_url, "not an ORUK services page (no 'contents' list)")
            return
        for summary in page["contents"]:
            service_id = _text(summary.get("id")) if isinstance(summary, dict) else ""
            if not service_id:
                yield LoadFailure(page_url, "a service on this page has no id")
            elif service_id not in seen:
                seen.add(service_id)
                yield _service(base, service_id, fetcher, council)
        if _is_last_page(page, page_number):
            return
        if page_number >= max_pages:
            total = page.get("total_pages", "more")
            yield LoadFailure(base, f"stopped after page {max_pages} of {total}")
            return


def _service(
    base: str, service_id: str, fetcher: Fetcher, council: str
) -> LoadedDocument | LoadFailure:
    source = f"oruk:{base}#{service_id}"
    try:
        record = _get_json(f"{base}/services/{service_id}", fetcher)
        if not isinstance(record, dict):
            raise LoadError("not an ORUK service record")
        return load_oruk_service(record, council=council, base_url=base)
    except (FetchError, LoadError) as exc:
        return LoadFailure(source, _reason(exc))


def _get_json(url: str, fetcher: Fetcher) -> object:
    body = fetcher.get(url).body
    try:
        return json.loads(body)
    except ValueError as exc:
        raise LoadError(f"invalid JSON ({exc})") from exc


def _reason(exc: FetchError | LoadError) -> str:
    return exc.reason if isinstance(exc, FetchError) else str(exc)


def _is_last_page(page: dict[str, Any], page_number: int) -> bool:
    total_pages = page.get("total_pages")
    return (
        not page["contents"]
        or page.get("empty") is True
        or page.get("last_page") is True
        or (isinstance(total_pages, int) and page_number >= total_pages)
    )


def _about(record: dict[str, Any]) -> list[Block]:
    blocks = html_fragment_blocks(_text_raw(record.get("description")), (ABOUT,))
    organisation = _text((record.get("organization") or {}).get("name"))
    if organisation and organisation != _text(record.get("name")):
        sentence = f"Provided by {organisation}"
        blocks.append(Block(text=sentence.rstrip(".") + ".", heading_path=(ABOUT,)))
    accreditations = _text(record.get("accreditations"))
    if accreditations:
        blocks.append(Block(text=f"Accreditations: {accreditations}", heading_path=(ABOUT,)))
    return blocks


def _section(heading: str, texts: list[str]) -> list[Block]:
    """One block per non-empty text; feeds repeat themselves ("fees": "Free." and a £0 option)."""
    blocks: list[Block] = []
    said: set[str] = set()
    for text in texts:
        key = text.rstrip(".").casefold()
        if text and key not in said:
            said.add(key)
            blocks.append(Block(text=text, heading_path=(heading,)))
    return blocks


def _who(record: dict[str, Any], min_age: int | None, max_age: int | None) -> list[str]:
    lines = [_text(record.get("eligibility_description")), _age_range(min_age, max_age)]
    for area in _list(record, "service_areas"):
        area_name = _text(area.get("service_area")) or _text(area.get("name"))
        if area_name:
            lines.append(f"Area covered: {area_name}")
    return lines


def _ages(record: dict[str, Any]) -> tuple[int | None, int | None]:
    """minimum_age/maximum_age; negative (feeds use -1), absent or odd values mean unknown."""
    minimum, maximum = _age(record.get("minimum_age")), _age(record.get("maximum_age"))
    if minimum is not None and maximum is not None and maximum < minimum:
        maximum = None
    return minimum, maximum


def _age(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        return None
    try:
        age = int(float(value))
    except (ValueError, OverflowError):  # "unknown", NaN, infinity
        return None
    return age if age >= 0 else None


def _age_range(min_age: int | None, max_age: int | None) -> str:
    if min_age is not None and max_age is not None:
        return f"Ages {min_age} to {max_age}"
    if min_age is not None:
        return f"Ages {min_age} and over"
    if max_age is not None:
        return f"Ages up to {max_age}"
    return ""


def _costs(record: dict[str, Any]) -> list[str]:
    lines = [_text(record.get("fees"))]
    for option in _list(record, "cost_options"):
        amount = option.get("amount")
        price = _price(amount) if isinstance(amount, (int, float)) else ""
        detail = normalise(" ".join(filter(None, [price, _text(option.get("amount_description"))])))
        condition = _text(option.get("option"))
        lines.append(f"{condition}: {detail}" if condition and detail else condition or detail)
    return lines


def _price(amount: float) -> str:
    if amount == 0:
        return "Free"
    return f"£{amount:,.0f}" if float(amount).is_integer() else f"£{amount:,.2f}"


def _schedule(schedule: dict[str, Any]) -> str:
    codes = (code.strip() for code in _text(schedule.get("byday")).split(","))
    days_text = ", ".join(_DAYS.get(code.upper(), code) for code in codes if code)
    opens, closes = _time(schedule.get("opens_at")), _time(schedule.get("closes_at"))
    hours = f"{opens} to {closes}" if opens and closes else opens or closes
    when = ", ".join(filter(None, [days_text, hours]))
    parts = [
        _text(schedule.get("description")),
        f"Opening times: {when}." if when else "",
        _text(schedule.get("attending_type")),
        _text(schedule.get("notes")),
    ]
    return normalise(" ".join(part for part in parts if part))


def _time(value: object) -> str:
    """ "10:00:00" -> "10:00"."""
    text = _text(value)
    return text[:5] if len(text) >= 5 and text[2:3] == ":" else text


def _locations(record: dict[str, Any]) -> list[dict[str, str]]:
    locations = []
    for link in _list(record, "service_at_locations"):
        location = link.get("location") or {}
        addresses = [a for a in location.get("addresses") or [] if isinstance(a, dict)]
        address = addresses[0] if addresses else {}
        locations.append(
            {
                "name": _text(location.get("name")),
                "address": ", ".join(
                    filter(None, (_text(address.get(field)) for field in _ADDRESS_FIELDS))
                ),
                "postcode": _text(address.get("postal_code")),
                "accessibility": " ".join(
                    _text(item.get("description"))
                    for item in location.get("accessibility") or []
                    if isinstance(item, dict)
                ).strip(),
            }
        )
    return locations


def _where(locations: list[dict[str, str]]) -> list[str]:
    lines = []
    for location in locations:
        lines.append(", ".join(filter(None, [location["name"], location["address"]])))
        if location["accessibility"]:
            lines.append(f"Accessibility: {location['accessibility']}")
    return lines


def _contacts(record: dict[str, Any]) -> dict[str, Any]:
    """Phones, e-mail addresses, website and named contacts, without the assurer's address."""
    assurer = {
        _text(record.get("assurer_email")).lower(),
        _text((record.get("pc_metadata") or {}).get("assured_by")).lower(),
    }
    phones: list[str] = []
    emails: list[str] = []
    people: list[str] = []

    def add_phones(holder: dict[str, Any]) -> None:
        for phone in _list(holder, "phones"):
            number = _text(phone.get("number"))
            if number and number not in phones:
                phones.append(number)

    def add_email(value: object) -> None:
        email = _text(value)
        # Feeds fill blanks with placeholders such as "Unknown-123@noemail.invalid".
        placeholder = email.lower().endswith(".invalid")
        if email and email.lower() not in assurer and not placeholder and email not in emails:
            emails.append(email)

    add_phones(record)
    add_email(record.get("email"))
    for contact in _list(record, "contacts"):
        add_phones(contact)
        add_email(contact.get("email"))
        person = ", ".join(filter(None, [_text(contact.get("name")), _text(contact.get("title"))]))
        if person:
            people.append(person)
    for link in _list(record, "service_at_locations"):
        add_phones(link.get("location") or {})
    organisation = record.get("organization") or {}
    website = _web_address(record.get("url")) or _web_address(organisation.get("website"))
    return {"phones": phones, "emails": emails, "website": website, "people": people}


def _contact_lines(contacts: dict[str, Any]) -> list[str]:
    lines = [f"Phone: {phone}" for phone in contacts["phones"]]
    lines += [f"Email: {email}" for email in contacts["emails"]]
    if contacts["website"]:
        lines.append(f"Website: {contacts['website']}")
    lines += [f"Contact: {person}" for person in contacts["people"]]
    return lines


def _web_address(value: object) -> str | None:
    text = _text(value)
    return text if text.lower().startswith(("http://", "https://")) else None


def _list(holder: dict[str, Any], key: str) -> list[dict[str, Any]]:
    """The dict entries of a child array; feeds send null, missing or mixed arrays."""
    value = holder.get(key)
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _text_raw(value: object) -> str:
    return value if isinstance(value, str) else ""


def _text(value: object) -> str:
    return normalise(value) if isinstance(value, str) else ""
