# SPDX-License-Identifier: Apache-2.0
"""Read an incoming agreement (DOCX, PDF, Markdown or plain text) into lines of text.

The format is decided by the file's first bytes, not its name: a ZIP holding
``word/document.xml`` is DOCX (python-docx; paragraphs in order with their heading styles,
then table cells), ``%PDF`` is PDF (pypdf, page by page), anything else must decode as text
(UTF-8, else Windows-1252) and is Markdown when it uses ``#`` headings. Sizes are capped
before parsing (file size, uncompressed size of the DOCX parts, PDF pages, characters), and
every failure of a parser on hostile input becomes a ``ContractError`` naming the file.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from clearance.errors import ContractError

__all__ = ["MAX_BYTES", "AgreementText", "Line", "parse_agreement", "read_agreement"]

MAX_BYTES: Final = 50 * 1024 * 1024
MAX_UNZIPPED: Final = 200 * 1024 * 1024
MAX_PAGES: Final = 1000
MAX_CHARS: Final = 5_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_QUOTES = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u00a0": " ",
        "\u2013": "-",
        "\u2014": "-",
        "\u2002": " ",
        "\u2003": " ",
        "\u2009": " ",
        "\u200b": "",
    }
)


@dataclass(frozen=True, slots=True)
class Line:
    """One line (or paragraph) of the agreement; ``heading`` when the source marked it so."""

    text: str
    heading: bool = False


@dataclass(frozen=True, slots=True)
class AgreementText:
    """The agreement's text as lines, with the format it was read from."""

    path: str
    format: str
    lines: tuple[Line, ...]

    @property
    def text(self) -> str:
        """Return all lines joined by newlines."""
        return "\n".join(line.text for line in self.lines)


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES)
    return _CONTROL.sub(" ", text)


def _docx_lines(data: bytes, path: str) -> list[Line]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            total = sum(max(0, info.file_size) for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ContractError(f"not a readable DOCX: {exc}", path=path) from exc
    if total > MAX_UNZIPPED:
        raise ContractError(f"the DOCX unpacks to {total:,} bytes, over the limit", path=path)
    try:
        from docx import Document

        document = Document(io.BytesIO(data))
        lines: list[Line] = []
        for p in document.paragraphs:
            style = (p.style.name if p.style is not None else "") or ""
            heading = style.lower().startswith(("heading", "title"))
            lines.append(Line(_clean(p.text), heading))
        for table in document.tables:
            for row in table.rows:
                cells = [_clean(c.text) for c in row.cells]
                lines.append(Line(" | ".join(dict.fromkeys(c for c in cells if c))))
    except ContractError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on hostile input
        raise ContractError(f"not a readable DOCX: {type(exc).__name__}: {exc}", path=path) from exc
    return lines


def _pdf_lines(data: bytes, path: str) -> list[Line]:
    try:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise ContractError("the PDF is encrypted; export an unprotected copy", path=path)
        if len(reader.pages) > MAX_PAGES:
            raise ContractError(f"the PDF has more than {MAX_PAGES} pages", path=path)
        lines = []
        for page in reader.pages:
            text = page.extract_text() or ""
            lines += [Line(_clean(t)) for t in text.splitlines()]
    except ContractError:
        raise
    except Exception as exc:  # pypdf raises many types on hostile input
        raise ContractError(f"not a readable PDF: {type(exc).__name__}: {exc}", path=path) from exc
    if not any(line.text.strip() for line in lines):
        raise ContractError("the PDF holds no extractable text (a scan needs OCR first)", path=path)
    return lines


def _text_lines(data: bytes, path: str) -> tuple[str, list[Line]]:
    if b"\x00" in data[:8192]:
        raise ContractError("a binary file that is neither DOCX nor PDF", path=path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    text = _clean(text)
    markdown = bool(re.search(r"(?m)^#{1,6} \S", text))
    lines = []
    for raw in text.splitlines():
        if markdown and re.match(r"^#{1,6} ", raw):
            lines.append(Line(raw.lstrip("#").strip(), True))
        else:
            lines.append(Line(raw.replace("**", "").replace("__", "")))
    return ("markdown" if markdown else "text"), lines


def parse_agreement(data: bytes, path: str = "<bytes>") -> AgreementText:
    """Return the agreement held in ``data``; raise ContractError when it cannot be read."""
    if len(data) > MAX_BYTES:
        raise ContractError(f"the file is over {MAX_BYTES // (1024 * 1024)} MiB", path=path)
    if data[:4] == b"PK\x03\x04":
        fmt, lines = "docx", _docx_lines(data, path)
    elif data[:5] == b"%PDF-" or data[:1024].lstrip().startswith(b"%PDF-"):
        fmt, lines = "pdf", _pdf_lines(data, path)
    else:
        fmt, lines = _text_lines(data, path)
    total = 0
    kept = []
    for line in lines:
        total += len(line.text) + 1
        if total > MAX_CHARS:
            raise ContractError(f"the agreement is over {MAX_CHARS:,} characters", path=path)
        kept.append(Line(line.text.strip(), line.heading))
    if not any(line.text for line in kept):
        raise ContractError("the agreement is empty", path=path)
    return AgreementText(path=path, format=fmt, lines=tuple(kept))


def read_agreement(path: str | Path) -> AgreementText:
    """Return the agreement in the file at ``path``; raise ContractError naming the file."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ContractError(f"the file is over {MAX_BYTES // (1024 * 1024)} MiB", path=path)
        data = path.read_bytes()
    except OSError as exc:
        raise ContractError(f"cannot read the agreement: {exc.strerror or exc}", path=path) from exc
    return parse_agreement(data, str(path))
