# SPDX-License-Identifier: Apache-2.0
"""Write drafted documents to a folder as Markdown, DOCX and PDF, each file atomically.

The DOCX and PDF writers are imported when first used, so ``clearance --help`` does not pay
for python-docx, reportlab and matplotlib.

A file is written to a hidden temporary name beside its target and renamed into place, so a
reader never sees half a document and a failed run leaves no partial file behind.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final

from clearance.atomic import write_atomic as _write_atomic
from clearance.draft.document import Document
from clearance.draft.render_md import markdown
from clearance.errors import ReportError

__all__ = ["FORMATS", "parse_formats", "write_atomic", "write_document", "write_json"]

FORMATS: Final = ("docx", "pdf", "md")


def write_atomic(path: Path, write: Callable[[Path], object]) -> Path:
    """Call ``write`` on a temporary path and rename it to ``path``; return ``path``."""
    return _write_atomic(path, write, error=ReportError, mkdir=True)


def parse_formats(text: str | Iterable[str]) -> tuple[str, ...]:
    """Return the formats named in ``text`` (``"docx,pdf"``); raise ReportError for others."""
    items = text.split(",") if isinstance(text, str) else list(text)
    found = tuple(dict.fromkeys(i.strip().lower() for i in items if i.strip()))
    bad = [f for f in found if f not in FORMATS]
    if bad or not found:
        raise ReportError(f"formats must be among {', '.join(FORMATS)}; got {text!r}")
    return found


def write_document(
    doc: Document, out_dir: Path, stem: str, formats: Iterable[str] = FORMATS
) -> dict[str, Path]:
    """Write ``doc`` as ``<stem>.<format>`` for each format; return the paths by format."""

    def write_md(path: Path) -> None:
        path.write_text(markdown(doc), encoding="utf-8")

    def write_docx(path: Path) -> None:
        from clearance.draft.render_docx import write_docx as render  # python-docx, lxml

        render(doc, path)

    def write_pdf(path: Path) -> None:
        from clearance.draft.render_pdf import write_pdf as render  # reportlab, matplotlib fonts

        render(doc, path)

    writers: dict[str, Callable[[Path], None]] = {
        "md": write_md,
        "docx": write_docx,
        "pdf": write_pdf,
    }
    return {f: write_atomic(out_dir / f"{stem}.{f}", writers[f]) for f in formats}


def write_json(data: Any, path: Path) -> Path:
    """Write ``data`` as indented UTF-8 JSON at ``path``, atomically."""
    text = json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n"

    def write(target: Path) -> None:
        target.write_text(text, encoding="utf-8")

    return write_atomic(path, write)
