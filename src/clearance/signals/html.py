# SPDX-License-Identifier: Apache-2.0
"""Lenient, bounded extraction of ``<meta>``, ``<link>`` and visible text from HTML.

A forward-only tokenizer (no tree, so no depth problems; linear in the input). Input
beyond :data:`MAX_HTML_BYTES` is not read and text beyond :data:`MAX_TEXT_CHARS` is dropped;
both are counted as problems. Names and ``rel`` values are lower-cased; contents are kept.
"""

from __future__ import annotations

import codecs
import html as html_lib
import logging
import re
from dataclasses import dataclass

__all__ = ["MAX_HTML_BYTES", "MAX_TEXT_CHARS", "HtmlDocument", "decode_html", "parse_html"]

log = logging.getLogger(__name__)

MAX_HTML_BYTES = 4 * 1024 * 1024
MAX_TEXT_CHARS = 1_000_000
MAX_TAGS = 100_000
_CHARSET = re.compile(
    rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]{1,40})""", re.IGNORECASE
)
_SKIP_TEXT = frozenset({"script", "style", "noscript", "template", "svg", "title"})
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "footer",
        "header",
        "table",
        "blockquote",
        "pre",
        "hr",
        "dd",
        "dt",
        "main",
        "aside",
        "nav",
    }
)


@dataclass(frozen=True, slots=True)
class HtmlDocument:
    """What signal parsers need from one HTML page."""

    metas: tuple[tuple[str, str, str], ...]
    """(attribute, lower-cased key, content): attribute is name, property or http-equiv."""
    links: tuple[tuple[str, str, str], ...]
    """(lower-cased rel, href, type)."""
    text: str
    lang: str | None
    problems: int
    notes: tuple[str, ...]

    def meta(self, name: str) -> list[str]:
        """Return the contents of every ``<meta name=NAME>`` (case-insensitive), in order."""
        key = name.lower()
        return [c for attr, k, c in self.metas if attr == "name" and k == key]


def decode_html(body: bytes, declared: str | None = None) -> tuple[str, list[str]]:
    """Return (text, notes): decoded by BOM, declared charset or ``<meta charset>``, else UTF-8."""
    notes: list[str] = []
    for bom, enc in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if body.startswith(bom):
            return body[len(bom) :].decode(enc, errors="replace"), notes
    candidates = [declared] if declared else []
    m = _CHARSET.search(body[:4096])
    if m:
        candidates.append(m.group(1).decode("ascii", errors="replace"))
    for enc in candidates:
        try:
            codecs.lookup(enc)
        except LookupError:
            notes.append(f"unknown charset {enc!r}: read as UTF-8")
            continue
        return body.decode(enc, errors="replace"), notes
    text = body.decode("utf-8", errors="replace")
    if "\ufffd" in text:
        notes.append("invalid UTF-8 replaced")
    return text, notes


_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9:_-]{0,63})")
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_RAW_TEXT = ("script", "style")


class _Collector:
    """A forward-only tokenizer: every character is looked at a bounded number of times.

    The standard library's HTMLParser goes quadratic on some unclosed markup (a run of
    ``<div<div<div``), so pages from strangers are tokenized here instead.
    """

    def __init__(self) -> None:
        self.metas: list[tuple[str, str, str]] = []
        self.links: list[tuple[str, str, str]] = []
        self.parts: list[str] = []
        self.size = 0
        self.skip = 0
        self.tags = 0
        self.lang: str | None = None
        self.truncated = False

    def run(self, text: str) -> None:
        pos, n = 0, len(text)
        while pos < n:
            i = text.find("<", pos)
            if i < 0:
                self._data(text[pos:])
                return
            if i > pos:
                self._data(text[pos:i])
            if text.startswith("<!--", i):
                end = text.find("-->", i + 4)
                if end < 0:
                    return
                pos = end + 3
                continue
            if text.startswith(("<!", "<?"), i):  # doctype, CDATA, processing instruction
                end = text.find(">", i)
                if end < 0:
                    return
                pos = end + 1
                continue
            m = _TAG.match(text, i)
            if m is None:
                self._data("<")
                pos = i + 1
                continue
            close = text.find(">", m.end())
            if close < 0:
                return
            name = m.group(1).lower()
            if text[i + 1] == "/":
                self._end(name)
                pos = close + 1
                continue
            self._start(name, text[m.end() : close])
            pos = close + 1
            if name in _RAW_TEXT:  # skip to the closing tag without tokenizing the script
                end = _find_ci(text, name, pos)
                if end < 0:
                    return
                self.skip = max(0, self.skip - 1)
                pos = end

    def _start(self, tag: str, raw_attrs: str) -> None:
        self.tags += 1
        if self.tags > MAX_TAGS:
            return
        a: dict[str, str] = {}
        if tag in ("meta", "link", "html"):
            for m in _ATTR.finditer(raw_attrs[:8192]):
                value = (
                    m.group(2)
                    if m.group(2) is not None
                    else (m.group(3) if m.group(3) is not None else (m.group(4) or ""))
                )
                a.setdefault(m.group(1).lower(), html_lib.unescape(value))
        if tag == "meta":
            for attr in ("name", "property", "http-equiv"):
                if attr in a:
                    self.metas.append((attr, a[attr].strip().lower(), a.get("content", "")))
                    break
        elif tag == "link" and "rel" in a:
            self.links.append((a["rel"].strip().lower(), a.get("href", ""), a.get("type", "")))
        elif tag == "html" and a.get("lang"):
            self.lang = a["lang"].strip()[:20]
        if tag in _SKIP_TEXT:
            self.skip += 1
        elif tag in _BLOCK:
            self._text("\n")

    def _end(self, tag: str) -> None:
        if tag in _SKIP_TEXT:
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self._text("\n")

    def _data(self, data: str) -> None:
        if not self.skip:
            self._text(html_lib.unescape(data) if "&" in data else data)

    def _text(self, data: str) -> None:
        if self.size >= MAX_TEXT_CHARS:
            self.truncated = True
            return
        piece = data[: MAX_TEXT_CHARS - self.size]
        self.parts.append(piece)
        self.size += len(piece)


_CLOSERS = {name: re.compile(f"</{name}", re.IGNORECASE) for name in _RAW_TEXT}


def _find_ci(text: str, tag: str, start: int) -> int:
    """Return where the closing tag of raw-text element ``tag`` starts, or -1."""
    m = _CLOSERS[tag].search(text, start)
    return m.start() if m else -1


def parse_html(body: bytes, *, charset: str | None = None) -> HtmlDocument:
    """Return the metas, links and visible text of an HTML page; never raises."""
    problems = 0
    notes: list[str] = []
    if len(body) > MAX_HTML_BYTES:
        body = body[:MAX_HTML_BYTES]
        problems += 1
        notes.append(f"only the first {MAX_HTML_BYTES} bytes read")
    text, decode_notes = decode_html(body, charset)
    notes += decode_notes
    problems += len(decode_notes)
    parser = _Collector()
    parser.run(text)
    if parser.tags > MAX_TAGS:
        problems += 1
        notes.append(f"only the first {MAX_TAGS} tags read")
    if parser.truncated:
        problems += 1
        notes.append(f"text cut at {MAX_TEXT_CHARS} characters")
    visible = re.sub(r"[ \t\r\f\v]+", " ", "".join(parser.parts))
    visible = re.sub(r"\n\s*", "\n", visible).strip()
    return HtmlDocument(
        tuple(parser.metas), tuple(parser.links), visible, parser.lang, problems, tuple(notes)
    )
