# SPDX-License-Identifier: Apache-2.0
"""The opt-in user licence: versioned text under ``data/clauses/user-licence/<version>.yaml``.

Each version names the scopes a user may grant (``training``, ``fine_tuning``, ...) and says
what the licence covers, how to revoke it, what revocation does and does not undo, and the
attribution or compensation offered. ``text_sha256`` is the SHA-256 of the version's text as
shipped (its YAML file), so a consent record pins exactly what the user was shown. Consent
records themselves are kept by :class:`clearance.decide.consent.ConsentLedger`;
:func:`record_consent` checks the version and scopes against the licence before storing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, ConfigDict, Field

from clearance.decide.consent import ConsentLedger, ConsentRecord
from clearance.draft.document import Document
from clearance.draft.sources import CLAUSES_ROOT, default_citations
from clearance.draft.templating import TemplateError, environment, template_names
from clearance.errors import ContractError, KnowledgeBaseError
from clearance.law.kb import OneLine
from clearance.yamlio import load_yaml

__all__ = [
    "USER_LICENCE_ROOT",
    "UserLicence",
    "record_consent",
    "render_user_licence",
    "user_licence",
    "user_licences",
]

USER_LICENCE_ROOT: Final = CLAUSES_ROOT / "user-licence"
_NAMES: Final = frozenset({"provider", "product", "removal_days"})


class Section(BaseModel):
    """One section of the licence text."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    heading: OneLine
    text: tuple[str, ...] = Field(min_length=1)


class UserLicence(BaseModel):
    """One published version of the user licence."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    version: str = Field(pattern=r"^\d+\.\d+$")
    effective: dt.date
    supersedes: str | None = None
    title: OneLine
    summary: OneLine
    scopes: dict[str, str] = Field(min_length=1)
    sections: tuple[Section, ...] = Field(min_length=1)
    cites: tuple[str, ...] = ()
    text_sha256: str = Field(default="", exclude=True)


def _load(path: Path) -> UserLicence:
    try:
        raw = path.read_bytes()
        data = load_yaml(raw.decode("utf-8"), unique_keys=True)
        licence = UserLicence.model_validate(data)
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # ValidationError is a ValueError
        raise KnowledgeBaseError(f"invalid user licence: {exc}", path=path) from exc
    except Exception as exc:  # yaml errors
        raise KnowledgeBaseError(f"invalid user licence: {exc}", path=path) from exc
    if licence.version != path.stem:
        raise KnowledgeBaseError(f"version {licence.version!r} must equal the file name", path=path)
    texts = list(licence.scopes.values()) + [t for s in licence.sections for t in s.text]
    for text in texts:
        try:
            top, _ = template_names(text)
        except TemplateError as exc:
            raise KnowledgeBaseError(f"template does not parse: {exc}", path=path) from exc
        if top - _NAMES:
            raise KnowledgeBaseError(f"unknown names {sorted(top - _NAMES)}", path=path)
    missing = [c for c in licence.cites if c not in default_citations()]
    if missing:
        raise KnowledgeBaseError(f"cites unknown ids {missing}", path=path)
    return licence.model_copy(update={"text_sha256": hashlib.sha256(raw).hexdigest()})


@functools.cache
def user_licences() -> dict[str, UserLicence]:
    """Return the shipped versions by version string, oldest first."""
    found = {p.stem: _load(p) for p in USER_LICENCE_ROOT.glob("*.yaml")}
    ordered = dict(sorted(found.items(), key=lambda kv: tuple(int(x) for x in kv[0].split("."))))
    for version, licence in ordered.items():
        if licence.supersedes is not None and licence.supersedes not in ordered:
            raise KnowledgeBaseError(
                f"version {version} supersedes unknown {licence.supersedes}",
                path=USER_LICENCE_ROOT / f"{version}.yaml",
            )
    return ordered


def user_licence(version: str | None = None, *, on: dt.date | None = None) -> UserLicence:
    """Return one version; by default the latest in effect ``on`` a date (today).

    Raises ContractError for an unknown version.
    """
    versions = user_licences()
    if version is None:
        day = on or dt.date.today()
        current = [v for v in versions.values() if v.effective <= day]
        return current[-1] if current else list(versions.values())[0]
    if version not in versions:
        raise ContractError(f"no user licence version {version!r}; known: {', '.join(versions)}")
    return versions[version]


def render_user_licence(
    version: str | None = None,
    *,
    provider: str = "the Provider",
    product: str = "the service",
    removal_days: int = 30,
) -> Document:
    """Return the licence text of ``version`` as a document, with its digest and citations."""
    licence = user_licence(version)
    ctx: dict[str, Any] = {"provider": provider, "product": product, "removal_days": removal_days}
    env = environment()
    doc = Document(
        title=licence.title,
        subtitle=f"Version {licence.version}, effective {licence.effective.isoformat()}",
    )
    doc.add("para", licence.summary)
    for n, section in enumerate(licence.sections, start=1):
        doc.add("heading", section.heading, number=str(n))
        for i, text in enumerate(section.text, start=1):
            rendered = " ".join(env.from_string(text).render(**ctx).split())
            doc.add("clause", rendered, number=f"{n}.{i}")
    doc.add("heading", "Scopes you can choose")
    rows: list[tuple[str, ...]] = [("Scope", "What it allows")]
    rows += [
        (k, " ".join(env.from_string(v).render(**ctx).split())) for k, v in licence.scopes.items()
    ]
    doc.add("table", rows=tuple(rows))
    doc.add("note", f"Licence {licence.id} {licence.version}; text SHA-256 {licence.text_sha256}.")
    for cite in licence.cites:
        doc.add("note", f"{cite}: {default_citations().line(cite)}")
    return doc


def record_consent(
    ledger: ConsentLedger,
    user_id: str,
    scopes: list[str],
    *,
    version: str | None = None,
    source: str = "",
    consent_id: str | None = None,
    granted_at: str | None = None,
) -> ConsentRecord:
    """Record a user's consent to a licence version after checking the scopes it offers and that
    the version is in effect on the day of the grant."""
    try:
        day = dt.date.fromisoformat(granted_at[:10]) if granted_at else dt.date.today()
    except ValueError as exc:
        raise ContractError(
            f"time {granted_at!r} must be UTC ISO 8601 like 2026-12-05T10:00:00Z"
        ) from exc
    licence = user_licence(version, on=day)
    if licence.effective > day:
        raise ContractError(
            f"licence version {licence.version} takes effect on "
            f"{licence.effective.isoformat()}, after the grant ({day.isoformat()})"
        )
    unknown = sorted(set(scopes) - set(licence.scopes))
    if unknown or not scopes:
        raise ContractError(
            f"scopes {unknown or scopes} are not offered by licence "
            f"{licence.version}; choose from {', '.join(licence.scopes)}"
        )
    return ledger.record(
        user_id,
        licence.id,
        licence.version,
        licence.text_sha256,
        scopes,
        source=source,
        consent_id=consent_id,
        granted_at=granted_at,
    )
