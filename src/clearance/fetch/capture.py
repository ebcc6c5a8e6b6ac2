# SPDX-License-Identifier: Apache-2.0
"""One WARC record to one :class:`~clearance.models.Capture`, and where captures are keyed.

Shared by the snapshot reader, the resume path of a fetch run and ``evidence show``. Bodies
are decoded with the same capped decoder as live fetches, so an archived gzip bomb is refused
the same way.
"""

from __future__ import annotations

from datetime import UTC
from pathlib import Path
from urllib.parse import urlsplit

from fastwarc.warc import ArchiveIterator, WarcRecord, WarcRecordType

from clearance.errors import EvidenceError
from clearance.fetch.client import outcome_of_status
from clearance.fetch.decode import decode_body
from clearance.models import Capture

__all__ = [
    "DOCUMENTS",
    "capture_from_record",
    "document_path",
    "host_key",
    "read_capture",
    "target_key",
]

DOCUMENTS = {
    "robots": "/robots.txt",
    "robots.txt": "/robots.txt",
    "tdmrep": "/.well-known/tdmrep.json",
    "tdmrep.json": "/.well-known/tdmrep.json",
    "ai.txt": "/ai.txt",
    "ai": "/ai.txt",
    "home": "/",
}
"""Short names for the host-level documents; any other document is taken as a path."""

_DEFAULT_PORTS = {"http": 80, "https": 443}


def host_key(host_or_url: str) -> str:
    """Return the lookup key of a host: lower-case ``host[:port]``, default ports dropped."""
    text = host_or_url if "//" in host_or_url else f"//{host_or_url}"
    parts = urlsplit(text)
    name = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    if (
        port is None
        or port == _DEFAULT_PORTS.get(parts.scheme.lower())
        or (not parts.scheme and port in (80, 443))
    ):
        return name
    return f"{name}:{port}"


def document_path(document: str) -> str:
    """Return the path a document name stands for ('robots.txt' -> '/robots.txt')."""
    doc = DOCUMENTS.get(document.lower(), document)
    return doc if doc.startswith("/") else f"/{doc}"


def target_key(uri: str) -> tuple[str, str]:
    """Return the (host key, path with query) a capture of ``uri`` is filed under."""
    parts = urlsplit(uri)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host_key(uri), path


def _fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            out[key.strip().lower()] = value.strip()
    return out


def capture_from_record(
    rec: WarcRecord, *, cap: int, source: str = "", max_ratio: int = 100
) -> Capture | None:
    """Return the capture one WARC record holds (None for records that are not captures).

    Raises EvidenceError for a record whose WARC-Date cannot be read.
    """
    uri = rec.headers.get("WARC-Target-URI") or ""
    date = rec.record_date
    if date is None:
        raise EvidenceError(f"{source or uri}: record without a readable WARC-Date")
    when = date if date.tzinfo else date.replace(tzinfo=UTC)
    rid = rec.record_id
    if rec.record_type == WarcRecordType.metadata:
        fields = _fields(rec.reader.read(65536).decode("utf-8", "replace"))
        if "outcome" not in fields:
            return None
        return Capture(
            uri, None, (), b"", when, outcome=fields["outcome"], record_id=rid, source=source
        )
    if not rec.is_http:
        return None
    if not rec.is_http_parsed:
        rec.parse_http()
    status = rec.http_headers.status_code
    headers = tuple(rec.http_headers.astuples())
    if rec.record_type == WarcRecordType.revisit:
        return Capture(
            uri, status, headers, b"", when, outcome="not_modified", record_id=rid, source=source
        )
    raw = rec.reader.read(cap + 1)
    encoding = next((v for k, v in headers if k.lower() == "content-encoding"), None)
    decoded = decode_body(raw, encoding, cap, max_ratio)
    truncated = decoded.truncated or len(raw) > cap or bool(rec.headers.get("WARC-Truncated"))
    outcome = "too_large" if decoded.bomb else outcome_of_status(status or 0)
    if status is not None and 300 <= status < 400 and status != 304:
        outcome = "redirect"
    return Capture(
        uri,
        status,
        headers,
        decoded.body,
        when,
        outcome=outcome,
        truncated=truncated,
        record_id=rid,
        source=source,
    )


def read_capture(path: Path, pos: int, *, cap: int = 1 << 20) -> Capture | None:
    """Return the capture of the record that starts at byte ``pos`` of a WARC file."""
    with open(path, "rb") as fh:
        fh.seek(pos)
        for rec in ArchiveIterator(fh, parse_http=True, auto_decode="none"):
            return capture_from_record(rec, cap=cap, source=f"{path}:{pos}")
    return None
