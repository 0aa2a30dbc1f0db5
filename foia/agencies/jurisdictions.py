"""The jurisdictions directory: one row per law file of foia/data/laws/, kept in step by slug.

The row holds what agencies and lists need (name, law, citation, time zone, verified); the clock
itself (stages, holidays) is read from the file through foia.deadlines.laws.
"""
from __future__ import annotations

import hashlib

from sqlmodel import Session, select

from foia.agencies.models import Jurisdiction
from foia.deadlines.laws import Law, get_law, law_files
from foia.errors import NotFound

#: The columns copied from each law file.
COLUMNS = ("name", "level", "law_name", "citation", "source_url", "timezone", "notes", "verified")


def row_values(law: Law) -> dict:
    """The Jurisdiction columns a law file sets."""
    return {column: getattr(law, column) for column in COLUMNS}


def law_file_digests() -> dict[str, str]:
    """{slug: sha256 of its file} for every packaged law file (reading bytes only: no parsing)."""
    return {entry.name.removesuffix(".toml"): hashlib.sha256(entry.read_bytes()).hexdigest() for entry in law_files()}


def sync_jurisdictions(session: Session, laws: dict[str, Law] | None = None) -> int:
    """Insert or update a jurisdiction for every law file, by slug; returns how many rows changed.

    Without `laws`, only the files whose bytes differ from the ones a row was copied from are read and
    checked (every command that opens the database runs this: reading all 52 took a third of a second)."""
    existing = {j.slug: j for j in session.exec(select(Jurisdiction))}
    digests: dict[str, str] = {}
    if laws is None:
        digests = {slug: digest for slug, digest in law_file_digests().items()
                   if slug not in existing or existing[slug].law_digest != digest}
        laws = {slug: get_law(slug) for slug in digests}
    changed = 0
    for slug, law in laws.items():
        values = {**row_values(law), "law_digest": digests.get(slug, "")}
        jurisdiction = existing.get(slug)
        if jurisdiction is None:
            session.add(Jurisdiction(slug=slug, **values))
            changed += 1
            continue
        differs = False
        for key, value in values.items():
            if getattr(jurisdiction, key) != value:
                setattr(jurisdiction, key, value)
                differs = True
        changed += differs
    session.flush()
    return changed


def list_jurisdictions(session: Session) -> list[Jurisdiction]:
    """Every jurisdiction: federal first, then by name."""
    rows = session.exec(select(Jurisdiction).order_by(Jurisdiction.name)).all()
    return sorted(rows, key=lambda j: (j.level != "federal", j.name))


def get_jurisdiction(session: Session, slug: str) -> Jurisdiction:
    """The jurisdiction with this slug, or NotFound."""
    jurisdiction = session.exec(select(Jurisdiction).where(Jurisdiction.slug == slug.lower())).first()
    if jurisdiction is None:
        raise NotFound("jurisdiction")
    return jurisdiction


def find_jurisdiction(session: Session, text: str) -> Jurisdiction | None:
    """The jurisdiction named by its slug or its name (any case), or None."""
    wanted = text.strip().lower()
    if not wanted:
        return None
    for jurisdiction in session.exec(select(Jurisdiction)):
        if wanted in (jurisdiction.slug, jurisdiction.name.lower()):
            return jurisdiction
    return None
