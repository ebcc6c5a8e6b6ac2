# SPDX-License-Identifier: Apache-2.0
"""A lenient JUMBF scan for C2PA assertions, with a bounded CBOR decoder.

Used when c2pa-python is missing or cannot read a file: it finds JUMBF description boxes
(``jumd``) whose label is wanted and decodes the content box that follows (``cbor`` or
``json``). No signature or hash is checked, so callers lower the confidence of what it finds.
"""

from __future__ import annotations

import json
import struct
from typing import Any

__all__ = ["CborError", "decode_cbor", "find_labelled_boxes"]

MAX_DEPTH = 32
MAX_ITEMS = 10_000
MAX_BOXES = 256


class CborError(ValueError):
    """Raised (and caught by callers) when CBOR bytes are malformed or over budget."""


def decode_cbor(data: bytes) -> Any:
    """Return the first CBOR data item of ``data`` (maps as dicts); raise CborError if bad."""
    budget = [MAX_ITEMS]
    value, _ = _item(data, 0, 0, budget)
    return value


def _length(data: bytes, pos: int, info: int) -> tuple[int, int]:
    if info < 24:
        return info, pos
    sizes = {24: 1, 25: 2, 26: 4, 27: 8}
    if info not in sizes:
        raise CborError(f"unsupported length encoding {info}")
    n = sizes[info]
    if pos + n > len(data):
        raise CborError("truncated")
    return int.from_bytes(data[pos : pos + n], "big"), pos + n


def _item(data: bytes, pos: int, depth: int, budget: list[int]) -> tuple[Any, int]:
    if depth > MAX_DEPTH:
        raise CborError("nested too deeply")
    budget[0] -= 1
    if budget[0] < 0 or pos >= len(data):
        raise CborError("over budget or truncated")
    major, info = data[pos] >> 5, data[pos] & 31
    pos += 1
    if major == 7:
        simple = {20: False, 21: True, 22: None, 23: None}
        if info in simple:
            return simple[info], pos
        fmt = {25: ">e", 26: ">f", 27: ">d"}.get(info)
        if fmt is None:
            raise CborError(f"unsupported simple value {info}")
        size = struct.calcsize(fmt)
        if pos + size > len(data):
            raise CborError("truncated")
        return struct.unpack(fmt, data[pos : pos + size])[0], pos + size
    n, pos = _length(data, pos, info)
    if major == 0:
        return n, pos
    if major == 1:
        return -1 - n, pos
    if major in (2, 3):
        if pos + n > len(data):
            raise CborError("truncated string")
        raw = data[pos : pos + n]
        return (raw if major == 2 else raw.decode("utf-8", errors="replace")), pos + n
    if major == 4:
        items = []
        for _ in range(min(n, MAX_ITEMS)):
            value, pos = _item(data, pos, depth + 1, budget)
            items.append(value)
        return items, pos
    if major == 5:
        out: dict[Any, Any] = {}
        for _ in range(min(n, MAX_ITEMS)):
            key, pos = _item(data, pos, depth + 1, budget)
            value, pos = _item(data, pos, depth + 1, budget)
            out[key if isinstance(key, str | int) else repr(key)] = value
        return out, pos
    return _item(data, pos, depth + 1, budget)  # major 6: a tag; keep the tagged item


def find_labelled_boxes(data: bytes, wanted: tuple[str, ...]) -> list[tuple[str, Any, str]]:
    """Return (label, decoded content, problem or '') for JUMBF boxes whose label is wanted.

    A label matches when it equals a wanted label or starts with it followed by ``__``
    (C2PA instance suffixes). Undecodable contents come back as None with the problem.
    """
    out: list[tuple[str, Any, str]] = []
    pos = 0
    while len(out) < MAX_BOXES:
        at = data.find(b"jumd", pos)
        if at < 4:
            if at < 0:
                break
            pos = at + 4
            continue
        pos = at + 4
        size = int.from_bytes(data[at - 4 : at], "big")
        toggles_at = at + 4 + 16
        if toggles_at >= len(data) or not data[toggles_at] & 0x02:
            continue
        end = data.find(b"\x00", toggles_at + 1, toggles_at + 258)
        if end < 0:
            continue
        label = data[toggles_at + 1 : end].decode("utf-8", errors="replace")
        if not any(label == w or label.startswith(w + "__") for w in wanted):
            continue
        out.append(_content(data, at - 4 + size, label))
    return out


def _content(data: bytes, start: int, label: str) -> tuple[str, Any, str]:
    if start + 8 > len(data) or start < 0:
        return label, None, "content box missing (truncated)"
    size = int.from_bytes(data[start : start + 4], "big")
    kind = data[start + 4 : start + 8]
    body = data[start + 8 : start + size]
    if size < 8 or len(body) < size - 8:
        return label, None, "content box truncated"
    try:
        if kind == b"cbor":
            return label, decode_cbor(body), ""
        if kind == b"json":
            return label, json.loads(body.decode("utf-8", errors="replace")), ""
    except (CborError, ValueError, RecursionError) as exc:
        return label, None, f"content not decodable: {exc}"
    return label, None, f"unexpected content box {kind!r}"
