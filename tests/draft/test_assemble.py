# SPDX-License-Identifier: Apache-2.0
"""Drafting an agreement from a term sheet: a complete document covering every topic, defined
terms used consistently, a cover memo of the non-balanced positions, a schedule from a scan,
real DOCX/PDF files (opened in LibreOffice), and clear errors for bad term sheets."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import docx
import polars as pl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from typer.testing import CliRunner

from clearance.cli import app
from clearance.draft.assemble import Drafted, draft_agreement
from clearance.draft.library import default_library
from clearance.draft.schedule import scan_schedule
from clearance.draft.termsheet import EXAMPLE_TERM_SHEET, TermSheet, load_term_sheet
from clearance.draft.write import write_document
from clearance.errors import ContractError

runner = CliRunner()
LIBRARY = default_library("licence")


@pytest.fixture(scope="module")
def sheet() -> TermSheet:
    return load_term_sheet(EXAMPLE_TERM_SHEET, LIBRARY)


@pytest.fixture(scope="module")
def drafted(sheet: TermSheet) -> Drafted:
    return draft_agreement(sheet, LIBRARY)


@pytest.fixture(scope="module")
def files(drafted: Drafted, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("agreement")
    return write_document(drafted.document, out, "agreement")


def test_example_agreement_is_complete(drafted: Drafted) -> None:
    doc = drafted.document
    assert doc.word_count() >= 1500
    headings = [b for b in doc.blocks if b.kind == "heading" and b.number]
    assert [b.topic for b in headings] == [t.id for t in LIBRARY]
    assert [b.number for b in headings] == [str(i) for i in range(1, len(LIBRARY) + 1)]
    for heading in headings:  # every clause has numbered sub-clauses N.1, N.2, ...
        numbers = [b.number for b in doc.blocks if b.kind == "clause" and b.topic == heading.topic]
        assert numbers == [f"{heading.number}.{i}" for i in range(1, len(numbers) + 1)]
    text = doc.text()
    assert "DRAFT FOR COUNSEL'S REVIEW" in text and "not legal advice" in text
    assert "NORTHWIND PRESS LIMITED" in text and '("Licensee")' in text
    assert "[" not in " ".join(b.text for b in doc.blocks if b.kind == "clause")  # all numbers set


def test_defined_terms_are_used_and_consistent(drafted: Drafted) -> None:
    assert drafted.lint == []
    defined = [b.term for b in drafted.document.blocks if b.kind == "definition"]
    assert defined == sorted(defined, key=str.lower)
    body = " ".join(b.text for b in drafted.document.blocks if b.kind == "clause")
    for term in defined:
        assert re.search(rf"\b{re.escape(term)}", body), term
    for term in ("Training", "Fine-Tuning", "Evaluation", "Retrieval-Augmented Generation"):
        assert term in defined


def test_cover_memo_lists_every_non_balanced_position(drafted: Drafted, sheet: TermSheet) -> None:
    memo = drafted.memo.text()
    off = {t: p for t, p in sheet.positions.items() if p != "balanced"}
    assert off  # the example chooses some
    for topic_id, position in off.items():
        topic = LIBRARY.topic(topic_id)
        assert topic.positions[position].why in memo
        assert topic.positions[position].concern in memo
    assert f"{len(off)} of {len(LIBRARY)} topics" in memo
    assert "eu-statute-dsm-art4" in memo  # jurisdiction notes with their authorities


def test_defaults_are_bracketed_and_listed(sheet: TermSheet) -> None:
    bare = sheet.model_copy(update={"numbers": {}})
    drafted = draft_agreement(bare, LIBRARY)
    fees = next(b.text for b in drafted.document.blocks if b.number == "8.1")
    assert "[EUR 1,000,000]" in fees
    assert "annual_fee" in drafted.defaults_used
    assert "Numbers to confirm" in drafted.memo.text()
    assert "[EUR 1,000,000]" in drafted.memo.text()


def test_markets_bring_jurisdiction_drafting(sheet: TermSheet) -> None:
    eu = draft_agreement(sheet, LIBRARY).document.text()
    none = draft_agreement(sheet.model_copy(update={"markets": ()}), LIBRARY).document.text()
    reservation = "Article 4(3) of Directive (EU) 2019/790"
    assert reservation in eu and reservation not in none
    de = draft_agreement(sheet.model_copy(update={"markets": ("de",)}), LIBRARY).document.text()
    assert reservation in de  # a member state brings the EU layer


def test_positions_change_the_wording(sheet: TermSheet) -> None:
    texts = {}
    for position in LIBRARY.positions:
        positions = {t.id: position for t in LIBRARY}
        doc = draft_agreement(sheet.model_copy(update={"positions": positions}), LIBRARY)
        assert doc.lint == [], position
        texts[position] = doc.document.text()
    assert "Models trained on the Licensed Content" not in texts["licensee"]
    assert "perpetual, irrevocable right to keep" in texts["licensee"]
    assert "delete or retrain without the Licensed Content" in texts["licensor"]


def test_docx_and_pdf_are_real_documents(files: dict[str, Path], drafted: Drafted) -> None:
    document = docx.Document(str(files["docx"]))
    paragraphs = [p.text for p in document.paragraphs]
    assert any(p.startswith("20 Limitation of liability") for p in paragraphs)
    assert document.core_properties.title == drafted.document.title
    headings = [
        p for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"
    ]
    assert len(headings) >= len(LIBRARY)
    assert "DRAFT FOR COUNSEL" in document.sections[0].header.paragraphs[0].text
    pdf = PdfReader(files["pdf"])
    assert len(pdf.pages) >= 4
    text = " ".join(page.extract_text() for page in pdf.pages)
    assert "Limitation of liability" in text and "counsel" in text
    md = files["md"].read_text(encoding="utf-8")
    assert md.startswith("# AI Data Licence Agreement") and "**20.1**" in md


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def test_docx_opens_in_libreoffice(files: dict[str, Path], tmp_path: Path) -> None:
    soffice = _soffice()
    if soffice is None:
        if os.environ.get("CLEARANCE_REQUIRE_SOFFICE"):
            pytest.fail("LibreOffice (soffice) is required here; scripts/test installs it")
        pytest.skip("LibreOffice (soffice) is not installed; scripts/test installs it")
    profile = tmp_path / "profile"
    result = subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(files["docx"]),
        ],
        capture_output=True,
        timeout=240,
        check=False,
    )
    converted = tmp_path / "agreement.pdf"
    assert result.returncode == 0 and converted.is_file(), result.stderr.decode(errors="replace")
    reader = PdfReader(converted)
    assert len(reader.pages) >= 5
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Limitation of liability" in text
    assert "Schedule 1" in text


def _scan(tmp_path: Path) -> Path:
    scan = tmp_path / "scan"
    scan.mkdir()
    rows = (
        [("news.example.co.uk", "CC-BY-4.0", "text", "not_reserved")] * 5
        + [("news.example.co.uk", "all-rights-reserved", "text", "reserved")] * 3
        + [("img.example.org", "unknown", "image", None)] * 4
        + [(None, "unknown", "image", None)] * 2
    )
    frame = pl.DataFrame(
        rows,
        schema=["registrable_domain", "license_effective_id", "modality", "reservation"],
        orient="row",
    )
    frame.with_columns(pl.lit("x").alias("item_id")).write_parquet(scan / "facts.parquet")
    return scan


def test_schedule_from_a_scan_counts_every_item(tmp_path: Path) -> None:
    rows = scan_schedule(_scan(tmp_path))
    assert [r.source for r in rows] == [
        "news.example.co.uk",
        "img.example.org",
        "(local files, no domain)",
    ]
    assert sum(r.items or 0 for r in rows) == 14
    assert rows[0].licences == "CC-BY-4.0 (5), all-rights-reserved (3)"
    assert "3 items reserved" in rows[0].description
    folded = scan_schedule(tmp_path / "scan", max_rows=1)
    assert folded[-1].source == "2 other sources" and sum(r.items or 0 for r in folded) == 14
    only = scan_schedule(tmp_path / "scan", domains=["example.org"])
    assert [r.source for r in only] == ["img.example.org"]


def test_schedule_errors_name_the_scan(tmp_path: Path) -> None:
    with pytest.raises(ContractError, match="facts.parquet"):
        scan_schedule(tmp_path)
    with pytest.raises(ContractError, match="match the schedule"):
        scan_schedule(_scan(tmp_path), domains=["nothing.example"])


def test_cli_goes_from_term_sheet_to_docx(tmp_path: Path) -> None:
    example = runner.invoke(app, ["draft", "licence", "--example-terms"])
    assert example.exit_code == 0
    terms = tmp_path / "terms.yaml"
    terms.write_text(example.stdout, encoding="utf-8")
    assert yaml.safe_load(example.stdout)["reference"] == "LA-17"
    scan = _scan(tmp_path)
    result = runner.invoke(
        app,
        [
            "draft",
            "licence",
            str(terms),
            "--out",
            str(tmp_path / "out"),
            "--scan",
            str(scan),
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    for name in (
        "agreement.docx",
        "agreement.pdf",
        "agreement.md",
        "cover-memo.docx",
        "cover-memo.pdf",
        "cover-memo.md",
    ):
        assert (tmp_path / "out" / name).is_file(), name
    md = (tmp_path / "out" / "agreement.md").read_text(encoding="utf-8")
    assert "img.example.org" in md and "northwindpress.co.uk" in md


def test_cli_explains_missing_arguments() -> None:
    result = runner.invoke(app, ["draft", "licence"])
    assert result.exit_code == 2 and "termsheet" in "".join(result.output.split())


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        ({"positions": {"exits": "licensor"}}, "positions.exits: no such topic"),
        ({"positions": {"exit": "harsh"}}, "is not one of"),
        ({"numbers": {"annual_fee": "a lot"}}, "numbers.annual_fee: expected a non-negative"),
        ({"numbers": {"usage_metric": "bytes"}}, "expected one of requests, tokens"),
        ({"numbers": {"no_such": 1}}, "numbers.no_such: no clause uses"),
        ({"uses": ["training", "mining"]}, "uses.1"),
        ({"parties": {"licensor": {"name": "A"}}}, "parties.licensee: missing"),
        ({"surprise": True}, "surprise"),
    ],
)
def test_bad_term_sheets_name_the_file_and_field(
    tmp_path: Path, edit: dict[str, Any], message: str
) -> None:
    data = yaml.safe_load(EXAMPLE_TERM_SHEET.read_text(encoding="utf-8"))
    data.update(edit)
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        load_term_sheet(path, LIBRARY)
    assert message in str(err.value) and str(path) in str(err.value)
    result = runner.invoke(app, ["draft", "licence", str(path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "ContractError" in result.output


def test_unreadable_term_sheets_are_clear_errors(tmp_path: Path) -> None:
    for name, data in (
        ("bad.yaml", b"a: [1, 2"),
        ("list.yaml", b"- 1\n- 2\n"),
        ("latin.yaml", b"name: \xff\xfe"),
        ("dup.yaml", b"a: 1\na: 2\n"),
    ):
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ContractError, match=name):
            load_term_sheet(path, LIBRARY)


_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.lists(st.text(max_size=5), max_size=3),
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.dictionaries(
        st.sampled_from(
            [
                "reference",
                "parties",
                "content",
                "uses",
                "markets",
                "positions",
                "numbers",
                "date",
                "kind",
                "title",
                "junk",
            ]
        ),
        st.one_of(_values, st.dictionaries(st.text(max_size=10), _values, max_size=3)),
        max_size=8,
    )
)
def test_any_mapping_is_a_term_sheet_or_a_clear_error(tmp_path: Path, data: dict[str, Any]) -> None:
    path = tmp_path / "random.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    try:
        sheet = load_term_sheet(path, LIBRARY)
    except ContractError as exc:
        assert str(path) in str(exc)
        return
    draft_agreement(sheet, LIBRARY, rows=[])  # whatever validates also drafts


def test_schedule_reads_a_real_scan(tmp_path: Path) -> None:
    from clearance.demo.generate import write_manifest
    from clearance.demo.snapshot import demo_snapshot_path
    from clearance.engine.scan import ScanConfig, run_scan

    manifest = write_manifest(tmp_path / "manifest.parquet", rows=400, seed=3)
    scanned = run_scan(
        ScanConfig(
            manifest=str(manifest),
            out=tmp_path / "scan",
            markets=("eu",),
            snapshots=(demo_snapshot_path(),),
        )
    )
    rows = scan_schedule(tmp_path / "scan", max_rows=10)
    assert sum(r.items or 0 for r in rows) == scanned.rows_accepted
    assert len(rows) == 11 and rows[-1].source.endswith("other sources")
    assert any(r.licences.startswith("CC-") or "CC-" in r.licences for r in rows)
