# SPDX-License-Identifier: Apache-2.0
"""Content decoding with a cap on output: the decompression-bomb guard.

A body is read raw (as sent, still content-encoded) up to its byte cap and stored that way in
the WARC; the bytes handed to the signal parsers are decoded here, never past ``cap`` bytes.
A body whose decoding hits the cap at a ratio above ``max_ratio`` is a bomb and is dropped.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

__all__ = ["Decoded", "decode_body"]

_CHUNK = 65536


@dataclass(frozen=True, slots=True)
class Decoded:
    """The decoded body, and what happened on the way."""

    body: bytes
    truncated: bool = False
    bomb: bool = False
    problem: str | None = None


def _inflate(raw: bytes, wbits: int, cap: int) -> tuple[bytes, bool, int]:
    d = zlib.decompressobj(wbits)
    out = bytearray()
    data = raw
    while data and len(out) <= cap:
        out += d.decompress(data[:_CHUNK], cap + 1 - len(out))
        data = d.unconsumed_tail + data[_CHUNK:]
        if d.eof:
            if not d.unused_data or wbits != 47:
                data = b""
                break
            data = d.unused_data + data  # concatenated gzip members
            d = zlib.decompressobj(wbits)
    if len(out) <= cap and not data:
        out += d.flush()[: cap + 1 - len(out)]
    return bytes(out[:cap]), len(out) > cap, len(raw) - len(data)


def _zstd(raw: bytes, cap: int) -> tuple[bytes, bool, int]:
    import zstandard

    reader = zstandard.ZstdDecompressor().stream_reader(raw)
    out = reader.read(cap + 1)
    return out[:cap], len(out) > cap, len(raw)


def _brotli(raw: bytes, cap: int) -> tuple[bytes, bool, int]:
    import brotli  # type: ignore[import-untyped]  # optional: used only when installed

    proc = brotli.Decompressor()
    out = bytearray()
    used = 0
    for start in range(0, len(raw), 4096):
        out += proc.process(raw[start : start + 4096])
        used = start + 4096
        if len(out) > cap:
            break
    return bytes(out[:cap]), len(out) > cap, min(used, len(raw))


def _one(raw: bytes, coding: str, cap: int) -> tuple[bytes, bool, int]:
    if coding in ("gzip", "x-gzip"):
        return _inflate(raw, 47, cap)
    if coding == "deflate":
        try:
            return _inflate(raw, 15, cap)
        except zlib.error:
            return _inflate(raw, -15, cap)
    if coding == "zstd":
        return _zstd(raw, cap)
    if coding == "br":
        return _brotli(raw, cap)
    raise ValueError(f"unsupported content-coding {coding!r}")


def decode_body(raw: bytes, content_encoding: str | None, cap: int, max_ratio: int) -> Decoded:
    """Return ``raw`` decoded per Content-Encoding, at most ``cap`` bytes; never raises."""
    codings = [
        c.strip().lower()
        for c in (content_encoding or "").split(",")
        if c.strip() and c.strip().lower() != "identity"
    ]
    if not codings:
        return Decoded(raw[:cap], truncated=len(raw) > cap)
    body = raw
    truncated = False
    consumed = len(raw)
    try:
        for coding in reversed(codings):
            body, cut, used = _one(body, coding, cap)
            if cut:
                truncated = True
                consumed = min(consumed, used)
    except (zlib.error, ValueError, ImportError, EOFError, OSError, RuntimeError) as exc:
        return Decoded(raw[:cap], truncated=len(raw) > cap, problem=f"undecodable: {exc}")
    except Exception as exc:  # a hostile stream may trip any decoder error type
        return Decoded(raw[:cap], truncated=len(raw) > cap, problem=f"undecodable: {exc!r}")
    if truncated and len(body) > max_ratio * max(1, consumed):
        return Decoded(b"", truncated=True, bomb=True, problem="decompression bomb")
    return Decoded(body, truncated=truncated)
