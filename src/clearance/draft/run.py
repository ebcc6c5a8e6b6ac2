# SPDX-License-Identifier: Apache-2.0
"""The jobs behind ``clearance draft licence`` and ``clearance draft negotiate``.

Each reads its input file, builds the documents and writes them into the output folder;
each returns a JSON-ready summary of what it wrote.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, Final

from clearance.draft.assemble import draft_agreement
from clearance.draft.library import default_library
from clearance.draft.negotiate import simulate
from clearance.draft.negotiation_report import (
    issues_document,
    issues_list,
    summary_document,
    transcript_document,
)
from clearance.draft.playbook import EXAMPLE_PLAYBOOK, load_playbook
from clearance.draft.redline import redline
from clearance.draft.review import review_agreement, review_memo
from clearance.draft.schedule import scan_schedule
from clearance.draft.terms import EXAMPLE_PRODUCT_TERMS
from clearance.draft.termsheet import EXAMPLE_TERM_SHEET, load_term_sheet
from clearance.draft.write import FORMATS, write_document, write_json

__all__ = ["example_text", "write_licence", "write_negotiation", "write_review"]

EXAMPLES: Final = {
    "licence-terms": EXAMPLE_TERM_SHEET,
    "playbook": EXAMPLE_PLAYBOOK,
    "product-terms": EXAMPLE_PRODUCT_TERMS,
}


def example_text(name: str) -> str:
    """Return the shipped example file ``name`` (licence-terms, playbook, product-terms)."""
    return EXAMPLES[name].read_text(encoding="utf-8")


def write_review(
    path: str | Path,
    out_dir: str | Path | None = None,
    *,
    side: str = "licensee",
    licensor_name: str | None = None,
    licensee_name: str | None = None,
) -> dict[str, Any]:
    """Review the agreement at ``path``; with ``out_dir`` also write ``review.json`` and the
    memo (``review-memo.md`` and ``.docx``). Return the review as JSON-ready data."""
    result = review_agreement(path, side, licensor_name=licensor_name, licensee_name=licensee_name)
    data = result.to_dict()
    if out_dir is not None:
        out = Path(out_dir)
        files = {"review.json": str(write_json(data, out / "review.json"))}
        memo = review_memo(result)
        files |= {
            f"review-memo.{k}": str(v)
            for k, v in write_document(memo, out, "review-memo", ("md", "docx")).items()
        }
        data["files"] = files
    return data


def _paths(files: dict[str, Path]) -> dict[str, str]:
    return {k: str(v) for k, v in files.items()}


def write_licence(
    term_sheet: str | Path,
    out_dir: str | Path,
    *,
    scan: str | Path | None = None,
    formats: Iterable[str] = FORMATS,
) -> dict[str, Any]:
    """Draft the agreement a term sheet describes into ``out_dir``; return what was written.

    Writes ``agreement.{docx,pdf,md}`` and ``cover-memo.{docx,pdf,md}`` (the formats asked
    for). ``scan`` adds the schedule rows of a scan folder to those of the term sheet.
    """
    library = default_library("licence")
    sheet = load_term_sheet(term_sheet, library)
    rows = None
    if scan is not None:
        spec = sheet.content.schedule
        rows = list(spec.rows) + scan_schedule(scan, spec.domains, spec.max_rows)
    drafted = draft_agreement(sheet, library, rows=rows)
    out = Path(out_dir)
    formats = tuple(formats)
    files = {
        f"agreement.{k}": v
        for k, v in write_document(drafted.document, out, "agreement", formats).items()
    }
    files |= {
        f"cover-memo.{k}": v
        for k, v in write_document(drafted.memo, out, "cover-memo", formats).items()
    }
    off = {t: p for t, p in drafted.positions.items() if p != "balanced"}
    return {
        "reference": sheet.reference,
        "words": drafted.document.word_count(),
        "clauses": len(library),
        "non_balanced_positions": off,
        "numbers_to_confirm": drafted.defaults_used,
        "drafting_checks": drafted.lint,
        "files": _paths(files),
        "disclaimer": drafted.document.banner,
    }


def write_negotiation(
    playbook: str | Path,
    out_dir: str | Path,
    *,
    seed: int | None = None,
    formats: Iterable[str] = FORMATS,
) -> dict[str, Any]:
    """Simulate the playbook's negotiation and write its record into ``out_dir``.

    Writes ``transcript.{md,json}``, ``issues.{md,json}``, ``summary.md``, ``redline`` and
    ``final-draft`` (in ``formats``), ``first-draft.md`` and ``result.json``. ``seed``
    overrides the playbook's seed.
    """
    library = default_library("licence")
    book, sheet = load_playbook(playbook, library)
    if seed is not None:
        book = book.model_copy(update={"seed": seed})
    outcome = simulate(book, library, {t.id: sheet.position(t.id) for t in library})
    first = draft_agreement(sheet.model_copy(update={"positions": outcome.opening}), library)
    final = draft_agreement(sheet.model_copy(update={"positions": outcome.final}), library)
    red, stats = redline(
        first.document, final.document, title=f"Redline: {book.title}, first draft to final draft"
    )
    changes = {
        "changed": stats.changed,
        "inserted": stats.inserted,
        "deleted": stats.deleted,
        "words_inserted": stats.words_inserted,
        "words_deleted": stats.words_deleted,
    }
    rows = issues_list(book, outcome, library)
    out = Path(out_dir)
    formats = tuple(formats)
    files: dict[str, Path] = {}
    files |= {
        f"transcript.{k}": v
        for k, v in write_document(
            transcript_document(book, outcome, library), out, "transcript", ("md",)
        ).items()
    }
    files["transcript.json"] = write_json(
        [e.to_dict() for e in outcome.transcript], out / "transcript.json"
    )
    files |= {
        f"issues.{k}": v
        for k, v in write_document(
            issues_document(rows, book, outcome, library), out, "issues", ("md",)
        ).items()
    }
    files["issues.json"] = write_json(rows, out / "issues.json")
    files |= {
        f"summary.{k}": v
        for k, v in write_document(
            summary_document(outcome, book, library, changes), out, "summary", ("md",)
        ).items()
    }
    files |= {f"redline.{k}": v for k, v in write_document(red, out, "redline", formats).items()}
    files |= {
        f"final-draft.{k}": v
        for k, v in write_document(final.document, out, "final-draft", formats).items()
    }
    files |= {
        f"first-draft.{k}": v
        for k, v in write_document(first.document, out, "first-draft", ("md",)).items()
    }
    result = {
        "title": book.title,
        "seed": book.seed,
        "result": outcome.result,
        "reason": outcome.reason,
        "rounds": outcome.rounds,
        "agreed": sum(1 for r in rows if r["status"] == "agreed"),
        "open": [r["topic"] for r in rows if r["status"] == "open"],
        "concessions": {s: len(c) for s, c in outcome.concessions.items()},
        "packages": outcome.packages,
        "redline": changes,
        "files": _paths(files),
    }
    files["result.json"] = write_json(result, out / "result.json")
    result["files"] = _paths(files)
    return result
