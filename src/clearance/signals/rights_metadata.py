# SPDX-License-Identifier: Apache-2.0
"""EXIF (TIFF IFDs) and IPTC-IIM copyright and creator fields, kept as evidence only.

Copyright and creator notices are not reservations: they say who to ask, not what is
allowed. Both readers are bounded (entry counts, offsets checked against the buffer, no IFD
visited twice) and return what they could read plus a problem count.
"""

from __future__ import annotations

import struct

from clearance.models import RightsEvidence

__all__ = ["iim_evidence", "photoshop_iptc", "tiff_tags", "tiff_evidence"]

MAX_ENTRIES = 4096
MAX_IFDS = 8
#: TIFF/EXIF tags kept as evidence: tag -> (kind, name).
_TIFF_EVIDENCE = {
    0x8298: ("copyright", "Copyright"),
    0x013B: ("creator", "Artist"),
    0x9C9D: ("creator", "XPAuthor"),
}
#: Tags whose raw bytes other readers need: XMP (700), IPTC-NAA (33723).
TAG_XMP, TAG_IPTC = 700, 33723
_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}
#: IIM (record, dataset) -> kind.
_IIM = {(2, 116): "copyright", (2, 80): "creator", (2, 110): "credit"}


def tiff_tags(blob: bytes, wanted: frozenset[int]) -> tuple[dict[int, bytes], int]:
    """Return ({tag: raw value bytes} for wanted tags in IFD0 and the EXIF IFD, problems)."""
    if len(blob) < 8 or blob[:4] not in (b"II*\x00", b"MM\x00*"):
        return {}, 1
    end = "<" if blob[:2] == b"II" else ">"
    found: dict[int, bytes] = {}
    problems = 0
    queue = [struct.unpack(end + "I", blob[4:8])[0]]
    seen: set[int] = set()
    while queue and len(seen) < MAX_IFDS:
        offset = queue.pop(0)
        if offset in seen:
            problems += 1  # a cycle of IFD offsets
            continue
        if offset + 2 > len(blob):
            problems += 1
            continue
        seen.add(offset)
        count = struct.unpack(end + "H", blob[offset : offset + 2])[0]
        if count > MAX_ENTRIES:
            problems += 1
            count = MAX_ENTRIES
        for k in range(count):
            pos = offset + 2 + 12 * k
            if pos + 12 > len(blob):
                problems += 1
                break
            tag, typ, n, raw = struct.unpack(end + "HHI4s", blob[pos : pos + 12])
            size = _TYPE_SIZE.get(typ, 1) * n
            if tag == 0x8769:  # EXIF sub-IFD
                queue.append(struct.unpack(end + "I", raw)[0])
                continue
            if tag not in wanted:
                continue
            if size <= 4:
                found[tag] = raw[:size]
                continue
            start = struct.unpack(end + "I", raw)[0]
            if start + size > len(blob):
                problems += 1
                continue
            found[tag] = blob[start : start + size]
    return found, problems


def _text(raw: bytes, tag: int = 0) -> str:
    if tag == 0x9C9D:
        return raw.decode("utf-16-le", errors="replace").strip("\x00 ")
    return raw.split(b"\x00", 1)[0].decode("utf-8", errors="replace").strip()


def tiff_evidence(blob: bytes) -> tuple[list[RightsEvidence], int]:
    """Return the copyright/creator evidence of an EXIF or TIFF blob, and a problem count."""
    tags, problems = tiff_tags(blob, frozenset(_TIFF_EVIDENCE))
    out = []
    for tag, raw in sorted(tags.items()):
        value = _text(raw, tag)
        if value:
            kind, name = _TIFF_EVIDENCE[tag]
            out.append(
                RightsEvidence(
                    kind=kind, value=value[:500], source="exif", location=f"exif:0x{tag:04X} {name}"
                )
            )
    return out, problems


def iim_evidence(blob: bytes) -> tuple[list[RightsEvidence], int]:
    """Return the copyright/creator/credit evidence of an IPTC-IIM block, and problems."""
    out: list[RightsEvidence] = []
    pos, problems = 0, 0
    while pos + 5 <= len(blob) and len(out) < 64:
        if blob[pos] != 0x1C:
            problems += 1
            break
        record, dataset, size = blob[pos + 1], blob[pos + 2], blob[pos + 3] << 8 | blob[pos + 4]
        pos += 5
        if size & 0x8000:  # extended length: not used by these text fields
            problems += 1
            break
        value = blob[pos : pos + size]
        if len(value) < size:
            problems += 1
            break
        pos += size
        kind = _IIM.get((record, dataset))
        if kind and value.strip():
            out.append(
                RightsEvidence(
                    kind=kind,
                    value=value.decode("utf-8", errors="replace")[:500],
                    source="iptc-iim",
                    location=f"iptc:{record}:{dataset}",
                )
            )
    return out, problems


def photoshop_iptc(block: bytes) -> bytes | None:
    """Return the IPTC-IIM resource (0x0404) of a Photoshop image-resource block, if any."""
    pos = 0
    while pos + 12 <= len(block):
        if block[pos : pos + 4] != b"8BIM":
            return None
        rid = struct.unpack(">H", block[pos + 4 : pos + 6])[0]
        name_len = block[pos + 6]
        pos += 7 + name_len + ((name_len + 1) % 2)
        if pos + 4 > len(block):
            return None
        size = struct.unpack(">I", block[pos : pos + 4])[0]
        pos += 4
        if rid == 0x0404:
            return block[pos : pos + size]
        pos += size + (size % 2)
    return None
