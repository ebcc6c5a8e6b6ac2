# SPDX-License-Identifier: Apache-2.0
"""An item's evidence captures, read back from WARC and shown with the deciding lines marked.

The references come from the scan (``reservation_evidence`` in facts.parquet: ``FILE:OFFSET``
or a WARC record id, ``;``-separated). A reference is read only when its file is inside the
scan folder or is one of the snapshots the scan names (scan.json, evidence/snapshots.json):
a page can never be made to open another file. Which line decided is asked of the library:
robots.txt rules through :meth:`RobotsPolicy.explain` for each crawler the facts name,
Content-Signal / Content-Usage lines by the ``#L<n>`` the signals table records, opt-out
headers by name, and any other document by the excerpt the signals table quotes.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from fastwarc.warc import ArchiveIterator

from clearance.errors import EvidenceError
from clearance.fetch.capture import read_capture
from clearance.fetch.store import evidence_paths
from clearance.models import Capture
from clearance.signals.robots import parse_robots

__all__ = [
    "item_refs","OPT_OUT_HEADERS", "Rendered", "evidence_refs", "render_capture", "resolve_ref"]

#: Response headers that carry an opt-out or a usage preference.
OPT_OUT_HEADERS: Final = frozenset(
    {"x-robots-tag", "tdm-reservation", "tdm-policy", "content-usage", "content-signal", "link"}
)
#: Body bytes shown on a page (the record holds the rest).
SHOW_BYTES: Final = 256 * 1024


@dataclass
class Rendered:
    """One capture for a page: where it is, its headers and lines, which ones decided, why."""

    ref: str
    url: str
    status: int | None
    captured_at: str
    outcome: str
    record_id: str | None
    headers: list[tuple[str, str, bool]] = field(default_factory=list)
    lines: list[tuple[int, str, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    truncated: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Return the capture as JSON-ready data."""
        return {
            "ref": self.ref,
            "url": self.url,
            "status": self.status,
            "captured_at": self.captured_at,
            "outcome": self.outcome,
            "record_id": self.record_id,
            "headers": [{"name": n, "value": v, "deciding": d} for n, v, d in self.headers],
            "lines": [{"n": n, "text": t, "deciding": d} for n, t, d in self.lines],
            "deciding_lines": [n for n, _, d in self.lines if d],
            "notes": self.notes,
            "truncated": self.truncated,
        }


def evidence_refs(value: object) -> list[str]:
    """Return the references in a ``reservation_evidence`` value, in order, once each."""
    if not value:
        return []
    return list(dict.fromkeys(p.strip() for p in str(value).split(";") if p.strip()))


def item_refs(facts: Mapping[str, object]) -> list[str]:
    """Return an item's evidence references, the capture that decided its reservation first
    (``reservation_record_id``), then the host's other documents of that epoch."""
    first = facts.get("reservation_record_id")
    refs = [str(first)] if first else []
    return list(dict.fromkeys(refs + evidence_refs(facts.get("reservation_evidence"))))


def _allowed_files(scan_dir: Path) -> set[Path]:
    named: list[str] = []
    for source in (scan_dir / "scan.json", scan_dir / "evidence" / "snapshots.json"):
        try:
            data = json.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            named += [str(p) for p in data.get("snapshots") or []]
        elif isinstance(data, list):
            named += [str(d.get("path")) for d in data if isinstance(d, dict) and d.get("path")]
    out: set[Path] = set()
    for name in named:
        path = Path(name)
        for candidate in (path, scan_dir / path, scan_dir.parent / path):
            if candidate.is_file():
                out.add(candidate.resolve())
    return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.resolve().relative_to(root.resolve())
    except ValueError:
        return False
    return True


def resolve_ref(scan_dir: Path, ref: str) -> tuple[Path, int]:
    """Return (WARC file, byte offset) of one evidence reference of the scan.

    Raises EvidenceError when the reference is malformed, names a file outside the scan and
    its snapshots, or a record id the evidence index does not hold.
    """
    head, sep, tail = ref.rpartition(":")
    if sep and tail.isdigit() and head and not head.startswith("urn"):
        raw, pos = Path(head), int(tail)
        allowed = _allowed_files(scan_dir)
        candidates = [raw] if raw.is_absolute() else [
            scan_dir / raw, scan_dir / "evidence" / raw, scan_dir / "evidence" / "warc" / raw,
        ]  # fmt: skip
        for path in candidates:
            if path.is_file() and (_inside(path, scan_dir) or path.resolve() in allowed):
                return path, pos
        raise EvidenceError(f"evidence file {raw.name!r} is not in the scan or its snapshots")
    index, _, warc_dir = evidence_paths(scan_dir / "evidence")
    if index.is_file():
        try:
            with sqlite3.connect(f"file:{index}?mode=ro", uri=True) as db:
                row = db.execute(
                    "SELECT warc, pos FROM records WHERE record_id = ? LIMIT 1", (ref,)
                ).fetchone()
        except sqlite3.Error as exc:
            raise EvidenceError(f"evidence index cannot be read: {exc}") from exc
        if row is not None and (warc_dir / str(row[0])).is_file():
            return warc_dir / str(row[0]), int(row[1])
    raise EvidenceError(f"evidence record {ref[:80]!r} is not in the scan's evidence")


def _robots_lines(capture: Capture, agents: Iterable[str], item_url: str | None) -> set[int]:
    policy = parse_robots(capture.body, status=capture.status, url=capture.url)
    lines: set[int] = set()
    for agent in agents:
        match = policy.explain(agent, item_url or "/")
        if match.rule is not None:
            lines.add(match.rule.line)
    return lines


def _excerpt_lines(text_lines: list[str], excerpts: Iterable[str]) -> set[int]:
    found: set[int] = set()
    for excerpt in excerpts:
        pieces = [excerpt]
        try:
            data = json.loads(excerpt)
        except ValueError:
            data = None
        if isinstance(data, dict):
            pieces = [json.dumps({k: v})[1:-1] for k, v in data.items()]
        for piece in (p.strip() for p in pieces):
            if len(piece) < 4:
                continue
            squeezed = " ".join(piece.split())
            for n, line in enumerate(text_lines, start=1):
                if squeezed in " ".join(line.split()):
                    found.add(n)
    return found


def _refers_to(path: Path, pos: int) -> str | None:
    """Return the WARC-Refers-To of the revisit record at ``path``:``pos``."""
    with open(path, "rb") as fh:
        fh.seek(pos)
        for rec in ArchiveIterator(fh, parse_http=False, auto_decode="none"):
            return rec.headers.get("WARC-Refers-To")
    return None


def _with_original(scan_dir: Path, path: Path, pos: int, revisit: Capture) -> tuple[Capture, str]:
    """Return a revisit capture with the payload of the capture it confirms, and a note.

    A revisit record (identical payload, or a 304) holds no body; what stood on its date is
    the original's payload, shown under the revisit's own date and record id.
    """
    original_id = _refers_to(path, pos)
    if not original_id:
        return revisit, "a revisit record that names no original: no payload to show"
    try:
        opath, opos = resolve_ref(scan_dir, original_id)
        original = read_capture(opath, opos, cap=1 << 20)
    except (EvidenceError, OSError, ValueError):
        original = None
    if original is None:
        return revisit, (f"a revisit of {original_id}, which the evidence does not hold: no "
                         "payload to show")
    shown = replace(revisit, status=original.status, headers=original.headers,
                    body=original.body, outcome=original.outcome, truncated=original.truncated)
    return shown, (f"a revisit confirming the payload of {original_id} (captured "
                   f"{original.captured_at.date().isoformat()}); that payload is shown")


def render_capture(
    scan_dir: Path,
    ref: str,
    *,
    agents: Iterable[str] = (),
    item_url: str | None = None,
    signals: Iterable[dict[str, Any]] = (),
) -> Rendered:
    """Return one capture of the scan with its deciding header and body lines marked.

    ``agents`` are the crawler tokens whose robots.txt group reserved the item (from
    ``reservation_standards``); ``signals`` the host's rows of signals.parquet.
    Raises EvidenceError when the reference cannot be read.
    """
    path, pos = resolve_ref(scan_dir, ref)
    try:
        capture = read_capture(path, pos, cap=1 << 20)
    except (OSError, ValueError) as exc:
        raise EvidenceError(f"evidence record at {path.name}:{pos} cannot be read: {exc}") from exc
    if capture is None:
        raise EvidenceError(f"no capture at {path.name}:{pos}")
    notes: list[str] = []
    if capture.outcome == "not_modified":
        capture, note = _with_original(scan_dir, path, pos, capture)
        notes.append(note)
    text = capture.body[:SHOW_BYTES].decode("utf-8", "replace")
    text_lines = text.splitlines()
    mine = [s for s in signals if ref in str(s.get("evidence") or "")]
    deciding: set[int] = set()
    is_robots = capture.url.split("?")[0].endswith("/robots.txt")
    if is_robots and capture.status is not None and 200 <= capture.status < 300:
        robot_lines = _robots_lines(capture, agents, item_url)
        if robot_lines:
            notes.append(
                "marked: the robots.txt rule that decides for "
                + ", ".join(sorted(set(agents)))
                + (f" at {item_url}" if item_url else "")
            )
        deciding |= robot_lines
    for s in mine:
        location = str(s.get("location") or "")
        if "#L" in location and location.rsplit("#L", 1)[1].isdigit():
            deciding.add(int(location.rsplit("#L", 1)[1]))
            notes.append(f"marked: the {s.get('standard')} line the scan read")
    if not deciding:
        excerpts = [str(s["excerpt"]) for s in mine if s.get("excerpt")]
        deciding |= _excerpt_lines(text_lines, excerpts)
        if deciding:
            notes.append("marked: the lines the scan quoted as its reading")
    headers = [(k, v, k.lower() in OPT_OUT_HEADERS) for k, v in capture.headers]
    if any(d for _, _, d in headers):
        notes.append("marked headers: opt-out and usage-preference headers")
    if not deciding and not any(d for _, _, d in headers):
        notes.append("no single line decided: the verdict rests on the whole response "
                     f"(status {capture.status if capture.status is not None else 'none'}, "
                     f"outcome {capture.outcome})")
    return Rendered(
        ref=ref if ":" not in ref or ref.startswith("urn") else f"{path.name}:{pos}",
        url=capture.url,
        status=capture.status,
        captured_at=capture.captured_at.isoformat(),
        outcome=capture.outcome,
        record_id=capture.record_id,
        headers=headers,
        lines=[(n, line, n in deciding) for n, line in enumerate(text_lines, start=1)],
        notes=list(dict.fromkeys(notes)),
        truncated=capture.truncated or len(capture.body) > SHOW_BYTES,
    )
