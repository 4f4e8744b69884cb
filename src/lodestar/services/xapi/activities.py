"""Activity definitions as the Activities resource returns them: each statement that defines
an activity (as its object, in its context, or inside a sub-statement) updates the stored
definition, language maps merged and other properties replaced by the newest."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from lodestar.db.models import XapiActivity

LANGUAGE_MAPS = ("name", "description")
STORED_DEFINITIONS = select(XapiActivity.iri_hash, XapiActivity.definition).where(
    XapiActivity.iri_hash.in_(bindparam("hashes", expanding=True))
)


def iri_hash(iri: str) -> str:
    return hashlib.sha256(iri.encode()).hexdigest()


def remember_activities(session: Session, statements: Sequence[dict[str, Any]]) -> None:
    """Merge the activity definitions ``statements`` carry into the stored ones."""
    defined: dict[str, dict[str, Any]] = {}
    last: dict[str, Any] = {}  # the definition merged last per IRI
    for s in statements:
        for activity in _activities(s):
            definition = activity.get("definition")
            if definition is None:
                continue
            iri = activity["id"]
            # Merging the definition merged just before changes nothing: most statements
            # of a batch repeat their activity's definition word for word.
            if last.get(iri) == definition:
                continue
            last[iri] = definition
            _merge(defined.setdefault(iri, {}), definition)
    if not defined:
        return
    hashes = {iri_hash(iri): iri for iri in defined}
    stored = dict(session.execute(STORED_DEFINITIONS, {"hashes": list(hashes)}).all())
    new = []
    for digest, iri in hashes.items():
        if digest in stored:
            before = json.loads(stored[digest])
            merged = dict(before)  # _merge replaces top-level values, never changes them
            _merge(merged, defined[iri])
            if merged == before:  # most statements repeat what is known: no write
                continue
            session.execute(
                update(XapiActivity)
                .where(XapiActivity.iri_hash == digest)
                .values(definition=json.dumps(merged))
            )
        else:
            new.append({"iri_hash": digest, "iri": iri, "definition": json.dumps(defined[iri])})
    if new:
        session.execute(insert(XapiActivity), new)


def activity_definition(session: Session, iri: str) -> dict[str, Any] | None:
    """The stored definition of ``iri``, or None when no statement defined it."""
    found = session.scalar(
        select(XapiActivity.definition).where(XapiActivity.iri_hash == iri_hash(iri))
    )
    return json.loads(found) if found is not None else None


def _merge(into: dict[str, Any], definition: dict[str, Any]) -> None:
    for key, value in definition.items():
        if key in LANGUAGE_MAPS and isinstance(into.get(key), dict):
            into[key] = {**into[key], **value}
        else:
            into[key] = value


def _activities(s: dict[str, Any]) -> Iterable[dict[str, Any]]:
    obj = s["object"]
    kind = obj.get("objectType", "Activity")
    if kind == "Activity":
        yield obj
    elif kind == "SubStatement":
        yield from _activities(obj)
    for items in ((s.get("context") or {}).get("contextActivities") or {}).values():
        yield from items if isinstance(items, list) else [items]
