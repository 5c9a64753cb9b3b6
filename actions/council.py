"""The deployment's council: its name and the contacts the assistant gives (contacts.yml)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Contact:
    key: str
    name: str
    phone: str | None
    email: str | None
    hours: str | None
    url: str | None
    description: str | None = None
    out_of_hours_phone: str | None = None

    def line(self) -> str:
        """'Name: phone 01632 960 100, email spa@x.example (Monday to Friday, 9am to 5pm)'."""
        parts = []
        if self.phone:
            parts.append(f"phone {self.phone}")
        if self.out_of_hours_phone:
            parts.append(f"out of hours {self.out_of_hours_phone}")
        if self.email:
            parts.append(f"email {self.email}")
        text = f"{self.name}: {', '.join(parts)}" if parts else self.name
        return f"{text} ({self.hours})" if self.hours else text

    def to_json(self) -> dict:
        return {
            "key": self.key, "name": self.name, "phone": self.phone, "email": self.email,
            "hours": self.hours, "url": self.url, "out_of_hours_phone": self.out_of_hours_phone,
        }


@dataclass(frozen=True)
class CouncilInfo:
    id: str
    name: str
    local_offer_url: str | None
    contacts: dict[str, Contact]
    crisis_lines: tuple[Contact, ...]

    @property
    def spa(self) -> Contact:
        return self.contacts["spa"]

    @property
    def sendiass(self) -> Contact:
        return self.contacts["sendiass"]

    @property
    def front_door(self) -> Contact:
        return self.contacts["front_door"]


def _contact(entry: dict) -> Contact:
    return Contact(
        key=str(entry["key"]),
        name=str(entry["name"]),
        phone=entry.get("phone"),
        email=entry.get("email"),
        hours=entry.get("hours"),
        url=entry.get("url"),
        description=entry.get("description"),
        out_of_hours_phone=entry.get("out_of_hours_phone"),
    )


@lru_cache(maxsize=8)
def load_council(path: Path) -> CouncilInfo:
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    council = data["council"]
    contacts = {c["key"]: _contact(c) for c in data.get("contacts", [])}
    missing = {"spa", "sendiass", "front_door"} - set(contacts)
    if missing:
        raise ValueError(f"{path}: contacts file lacks {sorted(missing)}")
    return CouncilInfo(
        id=str(council["id"]),
        name=str(council["name"]),
        local_offer_url=council.get("local_offer_url"),
        contacts=contacts,
        crisis_lines=tuple(_contact(c) for c in data.get("crisis_lines", [])),
    )
