# SPDX-License-Identifier: Apache-2.0
"""Container walking: find XMP, EXIF, IPTC-IIM and C2PA JUMBF in JPEG, PNG, TIFF, WebP, GIF, PDF.

Each walker reads lengths from the file and checks them against the buffer, so truncated or
lying files end the walk with a counted problem instead of an exception. Decompression (PNG
``iTXt``/``zTXt``, PDF ``FlateDecode``) is capped. Nothing here judges: :mod:`detect` hands
the parts to the XMP, rights-metadata and C2PA readers.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field

from clearance.signals.rights_metadata import TAG_IPTC, TAG_XMP, photoshop_iptc, tiff_tags
from clearance.signals.xmp import MAX_XMP_BYTES, find_packets

__all__ = ["MAX_MEDIA_BYTES", "MediaParts", "sniff_format", "walk_media"]

MAX_MEDIA_BYTES = 64 * 1024 * 1024
MAX_SEGMENTS = 100_000
_XMP_APP1 = b"http://ns.adobe.com/xap/1.0/\x00"
_XMP_EXT = b"http://ns.adobe.com/xmp/extension/\x00"
_PDF_META = re.compile(rb"/Type\s*/Metadata")
_PDF_STREAM = re.compile(rb"\s*stream\r?\n")
_PDF_INFO = re.compile(rb"/(Author|Copyright|Rights)\s*\(((?:[^()\\]|\\.){0,500})\)")


@dataclass(slots=True)
class MediaParts:
    """The metadata blocks found in one file, before interpretation."""

    format: str | None
    xmp: list[bytes] = field(default_factory=list)
    exif: list[bytes] = field(default_factory=list)
    iptc: list[bytes] = field(default_factory=list)
    jumbf: list[bytes] = field(default_factory=list)
    text: list[tuple[str, str]] = field(default_factory=list)
    problems: int = 0
    notes: list[str] = field(default_factory=list)

    def problem(self, note: str) -> None:
        """Count one unreadable part and say what it was."""
        self.problems += 1
        self.notes.append(note)


def sniff_format(data: bytes) -> str | None:
    """Return jpeg | png | tiff | webp | gif | pdf from the magic bytes, or None."""
    if data[:3] == b"\xff\xd8\xff":
        return "jpeg"
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:4] in (b"II*\x00", b"MM\x00*"):
        return "tiff"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "gif"
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    return None


def walk_media(data: bytes) -> MediaParts:
    """Return the XMP/EXIF/IPTC/JUMBF parts of a media file; never raises on bad input."""
    fmt = sniff_format(data)
    parts = MediaParts(format=fmt)
    if len(data) > MAX_MEDIA_BYTES:
        data = data[:MAX_MEDIA_BYTES]
        parts.problem(f"only the first {MAX_MEDIA_BYTES} bytes read")
    walker = {
        "jpeg": _jpeg,
        "png": _png,
        "tiff": _tiff,
        "webp": _webp,
        "gif": _gif,
        "pdf": _pdf,
    }.get(fmt or "")
    if walker is None:
        parts.notes.append("not a JPEG, PNG, TIFF, WebP, GIF or PDF file")
        return parts
    try:
        walker(data, parts)
    except (struct.error, IndexError, ValueError, zlib.error) as exc:  # defensive: bad lengths
        parts.problem(f"{fmt} walk stopped: {type(exc).__name__}")
    return parts


def _inflate(data: bytes, parts: MediaParts, what: str) -> bytes:
    try:
        d = zlib.decompressobj()
        out = d.decompress(data, MAX_XMP_BYTES)
        if d.unconsumed_tail:
            parts.problem(f"{what}: decompressed size over {MAX_XMP_BYTES} bytes, cut")
        return out
    except zlib.error:
        parts.problem(f"{what}: bad compressed data")
        return b""


def _jpeg(data: bytes, parts: MediaParts) -> None:
    pos, segments = 2, 0
    extended: dict[bytes, dict[int, bytes]] = {}
    jumbf: dict[bytes, list[bytes]] = {}
    while pos + 4 <= len(data) and segments < MAX_SEGMENTS:
        if data[pos] != 0xFF:
            parts.problem(f"jpeg: no marker at byte {pos}")
            return
        marker = data[pos + 1]
        if marker == 0xFF:
            pos += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image, start of scan: no metadata after it
            break
        segments += 1
        length = struct.unpack(">H", data[pos + 2 : pos + 4])[0]
        payload = data[pos + 4 : pos + 2 + length]
        if length < 2 or len(payload) < length - 2:
            parts.problem("jpeg: truncated segment")
            break
        if marker == 0xE1 and payload.startswith(_XMP_APP1):
            parts.xmp.append(payload[len(_XMP_APP1) :])
        elif marker == 0xE1 and payload.startswith(_XMP_EXT) and len(payload) >= 75:
            guid, offset = payload[35:67], struct.unpack(">I", payload[71:75])[0]
            extended.setdefault(guid, {})[offset] = payload[75:]
        elif marker == 0xE1 and payload.startswith(b"Exif\x00\x00"):
            parts.exif.append(payload[6:])
        elif marker == 0xED and payload.startswith(b"Photoshop 3.0\x00"):
            iptc = photoshop_iptc(payload[14:])
            if iptc:
                parts.iptc.append(iptc)
        elif marker == 0xEB and payload[:2] == b"JP" and len(payload) >= 16:
            # JPEG XT box segments: CI 'JP', En (2), Z (4), then LBox/TBox repeated per segment.
            seq = jumbf.setdefault(payload[2:4], [])
            seq.append(payload[8:] if not seq else payload[16:])
        pos += 2 + length
    for chunks in extended.values():
        joined = b"".join(chunks[k] for k in sorted(chunks))[:MAX_XMP_BYTES]
        parts.xmp.append(joined)
        parts.notes.append("extended XMP reassembled")
    parts.jumbf += [b"".join(v) for v in jumbf.values()]


def _png(data: bytes, parts: MediaParts) -> None:
    pos = 8
    while pos + 12 <= len(data):
        size, ctype = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            parts.problem(f"png: truncated {ctype!r} chunk")
            return
        if ctype == b"iTXt":
            key, _, rest = body.partition(b"\x00")
            if len(rest) >= 2:
                compressed, tail = rest[0], rest[2:]
                _lang, _, tail = tail.partition(b"\x00")
                _trans, _, text = tail.partition(b"\x00")
                text = _inflate(text, parts, "png iTXt") if compressed else text
                _png_text(key, text, parts)
        elif ctype in (b"tEXt", b"zTXt"):
            key, _, text = body.partition(b"\x00")
            if ctype == b"zTXt":
                text = _inflate(text[1:], parts, "png zTXt")
            _png_text(key, text, parts)
        elif ctype == b"eXIf":
            parts.exif.append(body)
        elif ctype == b"caBX":
            parts.jumbf.append(body)
        elif ctype == b"IEND":
            return
        pos += 12 + size


def _png_text(key: bytes, text: bytes, parts: MediaParts) -> None:
    if key == b"XML:com.adobe.xmp":
        parts.xmp.append(text)
    elif key.lower() in (b"copyright", b"author", b"disclaimer", b"source"):
        parts.text.append((key.decode("latin-1"), text.decode("utf-8", errors="replace")))


def _tiff(data: bytes, parts: MediaParts) -> None:
    tags, problems = tiff_tags(data, frozenset({TAG_XMP, TAG_IPTC}))
    parts.problems += problems
    if TAG_XMP in tags:
        parts.xmp.append(tags[TAG_XMP])
    if TAG_IPTC in tags:
        parts.iptc.append(tags[TAG_IPTC])
    parts.exif.append(data)


def _webp(data: bytes, parts: MediaParts) -> None:
    pos = 12
    while pos + 8 <= len(data):
        fourcc, size = struct.unpack("<4sI", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + size]
        if len(body) < size:
            parts.problem(f"webp: truncated {fourcc!r} chunk")
            return
        if fourcc == b"XMP ":
            parts.xmp.append(body)
        elif fourcc == b"EXIF":
            parts.exif.append(body[6:] if body.startswith(b"Exif\x00\x00") else body)
        elif fourcc == b"C2PA":
            parts.jumbf.append(body)
        pos += 8 + size + (size & 1)


def _gif(data: bytes, parts: MediaParts) -> None:
    pos = 13
    flags = data[10]
    if flags & 0x80:
        pos += 3 * (2 << (flags & 7))
    while pos < len(data):
        block = data[pos]
        if block == 0x3B:
            return
        if block == 0x21:
            label = data[pos + 1]
            pos += 2
            if label == 0xFF and data[pos : pos + 12] == b"\x0bXMP DataXMP":
                parts.xmp += find_packets(data[pos + 12 : pos + 12 + MAX_XMP_BYTES], 1)
            pos = _skip_sub_blocks(data, pos)
        elif block == 0x2C:
            flags = data[pos + 9]
            pos += 10 + (3 * (2 << (flags & 7)) if flags & 0x80 else 0) + 1
            pos = _skip_sub_blocks(data, pos)
        else:
            parts.problem(f"gif: unknown block 0x{block:02X} at byte {pos}")
            return
    parts.problem("gif: no trailer")


def _skip_sub_blocks(data: bytes, pos: int) -> int:
    while pos < len(data) and data[pos]:
        pos += data[pos] + 1
    return pos + 1


def _pdf(data: bytes, parts: MediaParts) -> None:
    packets = find_packets(data)
    for count, m in enumerate(_PDF_META.finditer(data)):
        if count >= 64:
            parts.problem("pdf: over 64 metadata streams; the rest not read")
            break
        close = data.find(b">>", m.end(), m.end() + 2048)
        head = data[max(0, m.start() - 2048) : close]
        stream = _PDF_STREAM.match(data, close + 2) if close >= 0 else None
        if stream is None or b"FlateDecode" not in head[head.rfind(b"<<") :]:
            continue
        end = data.find(b"endstream", stream.end())
        if end < 0:
            parts.problem("pdf: metadata stream without endstream")
            continue
        packets += find_packets(_inflate(data[stream.end() : end], parts, "pdf metadata"))
    if len(packets) > 1:
        parts.notes.append(f"pdf: {len(packets)} XMP packets (document and parts) all read")
    parts.xmp += packets
    for key, value in _PDF_INFO.findall(data[-1024 * 1024 :]):
        parts.text.append((key.decode("latin-1"), value.decode("latin-1")))
