# SPDX-License-Identifier: Apache-2.0
"""Given a local file or a saved response: which parsers apply, and everything they found.

Kinds, decided from the name first and the bytes second: media (JPEG, PNG, TIFF, WebP, GIF,
PDF: XMP, EXIF/IPTC evidence, C2PA), a saved HTTP response (``curl -i``/``-D`` output: the
headers are read, then the body by its media type), HTML, robots.txt, ai.txt, tdmrep.json,
and plain text (terms of service: natural-language reservations only).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path, PurePosixPath

from clearance.errors import InputError
from clearance.models import RightsEvidence, Signal, SignalReport
from clearance.signals import aitxt, c2pa, media, natural_language, tdmrep, xmp, xrobots
from clearance.signals.html import parse_html
from clearance.signals.resolve import resolve
from clearance.signals.response import Response, parse_saved_response
from clearance.signals.rights_metadata import iim_evidence, tiff_evidence

__all__ = [
    "MAX_TARGET_BYTES",
    "detect_kind",
    "explain_signals",
    "scan_bytes",
    "scan_path",
    "scan_response",
]

log = logging.getLogger(__name__)

MAX_TARGET_BYTES = media.MAX_MEDIA_BYTES
_MIME = {
    "jpeg": "image/jpeg",
    "png": "image/png",
    "tiff": "image/tiff",
    "webp": "image/webp",
    "gif": "image/gif",
    "pdf": "application/pdf",
}


def detect_kind(data: bytes, name: str | None = None) -> str:
    """Return the kind of a target: a media format, http-response, html, robots.txt, ai.txt,
    tdmrep.json or text."""
    base = PurePosixPath(name or "").name.lower()
    fmt = media.sniff_format(data)
    if fmt:
        return fmt
    head = data[:512].lstrip()
    if head[:5] == b"HTTP/" or base.endswith((".http", ".headers", ".hdr")):
        return "http-response"
    if base in ("robots.txt", "ai.txt", "tdmrep.json"):
        return base
    if base.endswith((".html", ".htm", ".xhtml")) or head[:15].lower().startswith(
        (b"<!doctype html", b"<html")
    ):
        return "html"
    if base.endswith(".json") and head[:1] in (b"[", b"{"):
        return "tdmrep.json"
    return "text"


def _merge(
    source: str, kind: str, reports: Sequence[SignalReport], notes: Sequence[str] = ()
) -> SignalReport:
    signals: list[Signal] = []
    evidence: list[RightsEvidence] = []
    all_notes = list(notes)
    problems = 0
    for r in reports:
        signals += r.signals
        evidence += r.evidence
        problems += r.problems
        all_notes += [f"{r.kind}: {n}" for n in r.notes]
    return SignalReport(
        source=source,
        kind=kind,
        signals=tuple(signals),
        evidence=tuple(evidence),
        problems=problems,
        notes=tuple(all_notes),
    )


def _media(data: bytes, where: str, observed_at: datetime | None) -> SignalReport:
    parts = media.walk_media(data)
    reports = [
        SignalReport(
            source=where,
            kind=parts.format or "media",
            problems=parts.problems,
            notes=tuple(parts.notes),
        )
    ]
    reports += [xmp.parse_xmp(p, where=where, observed_at=observed_at) for p in parts.xmp]
    evidence: list[RightsEvidence] = []
    problems = 0
    for blob in parts.exif:
        found, bad = tiff_evidence(blob)
        evidence += found
        problems += bad
    for blob in parts.iptc:
        found, bad = iim_evidence(blob)
        evidence += found
        problems += bad
    kind = {"copyright": "copyright", "rights": "copyright", "author": "creator"}
    evidence += [
        RightsEvidence(
            kind=kind.get(k.lower(), k.lower()),
            value=v[:500],
            source="pdf-info" if parts.format == "pdf" else "png-text",
            location=f"{parts.format}:{k}",
        )
        for k, v in parts.text
    ]
    reports.append(
        SignalReport(source=where, kind="exif/iptc", evidence=tuple(evidence), problems=problems)
    )
    reports.append(
        c2pa.read_c2pa(
            data, mime=_MIME.get(parts.format or ""), where=where, observed_at=observed_at
        )
    )
    return _merge(where, parts.format or "media", reports)


def scan_response(resp: Response, *, kind_hint: str | None = None) -> SignalReport:
    """Return every signal of one HTTP response: headers first, then the body by type."""
    where = resp.url or "response"
    ctype = resp.content_type
    reports = [
        tdmrep.tdmrep_from_headers(resp.headers, observed_at=resp.fetched_at),
        xrobots.x_robots_tag_signals(resp.headers, observed_at=resp.fetched_at, media_type=ctype),
    ]
    notes = [f"HTTP status {resp.status}" if resp.status else "no status line", *resp.notes]
    if resp.body:
        body_kind = kind_hint or _body_kind(resp.body, ctype, resp.url)
        reports.append(
            scan_bytes(
                resp.body,
                name=resp.url,
                url=resp.url,
                observed_at=resp.fetched_at,
                kind=body_kind,
                media_type=ctype,
            )
        )
    return _merge(where, "http-response", reports, notes)


def _body_kind(body: bytes, ctype: str | None, url: str | None) -> str:
    if media.sniff_format(body):
        return str(media.sniff_format(body))
    if ctype in ("text/html", "application/xhtml+xml"):
        return "html"
    return detect_kind(body, url)


def scan_bytes(
    data: bytes,
    *,
    name: str | None = None,
    url: str | None = None,
    observed_at: datetime | None = None,
    kind: str | None = None,
    media_type: str | None = None,
) -> SignalReport:
    """Return every signal the applicable parsers find in ``data`` (never raises)."""
    kind = kind or detect_kind(data, name)
    where = url or name or kind
    if kind in _MIME:
        return _media(data, where, observed_at)
    if kind == "http-response":
        return scan_response(parse_saved_response(data, url=url, fetched_at=observed_at))
    if kind == "html":
        doc = parse_html(data)
        meta = xrobots.robots_meta_signals(
            doc, observed_at=observed_at, media_type=media_type or "text/html"
        )
        tdm = tdmrep.tdmrep_from_meta(
            doc.meta("tdm-reservation"), doc.meta("tdm-policy"), observed_at=observed_at
        )
        text = natural_language.find_reservations(doc.text, location=where, observed_at=observed_at)
        parsed = SignalReport(source=where, kind="html", problems=doc.problems, notes=doc.notes)
        return _merge(where, "html", [parsed, meta, tdm, text])
    if kind == "ai.txt":
        parsed_ai = aitxt.parse_ai_txt(data, url=url, observed_at=observed_at)
        report = (
            parsed_ai.evaluate(url) if url and not url.endswith("/ai.txt") else parsed_ai.listing()
        )
        return _merge(where, "ai.txt", [report])
    if kind == "tdmrep.json":
        parsed_tdm = tdmrep.parse_tdmrep_json(data, url=url, observed_at=observed_at)
        if url and "tdmrep.json" not in url:
            return _merge(where, "tdmrep.json", [parsed_tdm.evaluate(url)])
        listing = [parsed_tdm.evaluate(r.location) for r in parsed_tdm.rules]
        rules = [json.loads(r.excerpt) for r in parsed_tdm.rules]
        return _merge(
            where,
            "tdmrep.json",
            listing or [parsed_tdm.evaluate("/")],
            [f"{len(rules)} rule(s); pass the item URL to evaluate one"],
        )
    if kind == "robots.txt":
        return _robots(data, where, url, observed_at)
    prose = data[: natural_language.MAX_TEXT_CHARS].decode("utf-8", errors="replace")
    return _merge(
        where,
        "text",
        [natural_language.find_reservations(prose, location=where, observed_at=observed_at)],
    )


def _robots(data: bytes, where: str, url: str | None, observed_at: datetime | None) -> SignalReport:
    reports: list[SignalReport] = []
    notes: list[str] = []
    try:
        from clearance.signals.robots import parse_robots
        from clearance.signals.robots.verdicts import robots_signals
    except ImportError:  # the robots.txt parser lives in its own modules
        notes.append("robots.txt parser not available: comments read only")
    else:
        policy = parse_robots(data, url=url, fetched_at=observed_at)
        path = url if url and not url.endswith("/robots.txt") else "/"
        reports.append(
            SignalReport(
                source=where, kind="robots.txt", signals=tuple(robots_signals(policy, path))
            )
        )
    comments = natural_language.comment_text(data.decode("utf-8", errors="replace"))
    reports.append(
        natural_language.find_reservations(
            comments, location=f"{where}#comments", observed_at=observed_at
        )
    )
    return _merge(where, "robots.txt", reports, notes)


def scan_path(
    path: str | Path, *, url: str | None = None, observed_at: datetime | None = None
) -> SignalReport:
    """Return every signal found in a local file (media, saved response, HTML, text files)."""
    p = Path(path)
    with p.open("rb") as fh:
        data = fh.read(MAX_TARGET_BYTES + 1)
    report = scan_bytes(data[:MAX_TARGET_BYTES], name=str(path), url=url, observed_at=observed_at)
    if len(data) > MAX_TARGET_BYTES:
        return SignalReport(
            source=report.source,
            kind=report.kind,
            signals=report.signals,
            evidence=report.evidence,
            problems=report.problems + 1,
            notes=(*report.notes, f"only the first {MAX_TARGET_BYTES} bytes read"),
        )
    return report


def explain_signals(
    target: str | Path, *, agent: str | None = None, url: str | None = None
) -> dict[str, object]:
    """Return a JSON-ready report of every signal in ``target`` and the resolution per purpose.

    Raises InputError when ``target`` is not a readable file.
    """
    p = Path(target)
    if not p.is_file():
        raise InputError(f"{target}: not a readable file")
    try:
        report = scan_path(p, url=url)
    except OSError as exc:
        raise InputError(f"{target}: {exc.strerror or exc}") from exc
    resolution = resolve(report.signals, agent=agent)
    return {
        "target": str(target),
        "url": url,
        "agent": agent,
        **report.to_dict(),
        "resolution": {k: v.to_dict() for k, v in resolution.items()},
        "disclaimer": "Risk assessment, not legal advice.",
    }
