# SPDX-License-Identifier: Apache-2.0
"""Review of incoming agreements: an agreement that omits core topics and caps only one side's
liability is reported exactly, in Markdown, text, DOCX and PDF; the library's own drafts read
back as they were drafted; and the readers never crash on hostile input."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas
from typer.testing import CliRunner

from clearance.cli import app
from clearance.draft import readers
from clearance.draft.assemble import draft_agreement
from clearance.draft.library import default_library
from clearance.draft.readers import parse_agreement, read_agreement
from clearance.draft.review import detect_parties, review_agreement, review_memo, review_text
from clearance.draft.segment import segment
from clearance.draft.termsheet import EXAMPLE_TERM_SHEET, load_term_sheet
from clearance.draft.write import write_document
from clearance.errors import ContractError

DATA = Path(__file__).parent / "data"
PARTIAL = DATA / "incoming-partial.md"
DEVELOPER = DATA / "incoming-developer-paper.txt"
LIBRARY = default_library("licence")
runner = CliRunner()

# What the partial agreement leaves out (core topics) and what it contains.
OMITTED = {"data_protection", "opt_outs", "attribution", "models", "exit", "audit"}
ONE_SIDED_FOR_LICENSEE = {"purpose", "warranties", "indemnities", "liability"}


def _markdown_lines() -> list[tuple[str, bool]]:
    """The partial agreement as (text, is_heading) lines, Markdown markers removed."""
    lines = []
    for raw in PARTIAL.read_text(encoding="utf-8").splitlines():
        heading = raw.startswith("#")
        lines.append((raw.lstrip("#").strip(), heading))
    return lines


def _as_text(path: Path) -> Path:
    path.write_text("\n".join(t for t, _ in _markdown_lines()), encoding="utf-8")
    return path


def _as_docx(path: Path) -> Path:
    document = docx.Document()
    for text, heading in _markdown_lines():
        if heading:
            document.add_heading(text, level=1)
        elif text:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def _as_pdf(path: Path) -> Path:
    canvas = Canvas(str(path), pagesize=A4)
    y = 800.0
    for text, _ in _markdown_lines():
        words, line = text.split(), ""
        for word in words + [""]:
            if word and len(line) + len(word) < 95:
                line = f"{line} {word}".strip()
                continue
            canvas.drawString(40, y, line)
            y -= 13
            line = word
            if y < 50:
                canvas.showPage()
                y = 800.0
        y -= 6
    canvas.save()
    return path


@pytest.fixture(params=["md", "txt", "docx", "pdf"])
def partial(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    make = {"md": lambda p: PARTIAL, "txt": _as_text, "docx": _as_docx, "pdf": _as_pdf}
    return make[request.param](tmp_path / f"agreement.{request.param}")  # type: ignore[no-any-return]


def test_partial_agreement_is_read_exactly_in_every_format(partial: Path) -> None:
    result = review_agreement(partial, "licensee")
    status = {t.topic: t.status for t in result.topics}
    core = {t.topic for t in result.topics if t.core}
    assert {t for t, s in status.items() if s == "missing" and t in core} == OMITTED
    assert {t for t, s in status.items() if s == "one_sided"} == ONE_SIDED_FOR_LICENSEE
    present = core - OMITTED - ONE_SIDED_FOR_LICENSEE
    assert {t for t in present if status[t] == "present"} == present
    assert result.parties == {"licensor": "Agency", "licensee": "Developer"}


def test_one_sided_cap_is_quoted_from_the_agreement(partial: Path) -> None:
    liability = next(t for t in review_agreement(partial).topics if t.topic == "liability")
    assert liability.status == "one_sided"
    assert liability.clause is not None
    assert re.search(r"AGENCY'S\s+AGGREGATE\s+LIABILITY", liability.clause)  # as written
    assert "Only the licensor's liability is capped" in liability.comment
    assert "Mutual cap" in liability.comment  # the balanced position to propose


def test_the_same_agreement_from_the_licensors_side() -> None:
    result = review_agreement(PARTIAL, "licensor")
    assert not [t for t in result.topics if t.status == "one_sided"]
    comments = {t.topic: t.comment for t in result.topics}
    assert "Favours the licensor" in comments["liability"]


def test_developer_paper_is_one_sided_against_the_licensor() -> None:
    result = review_agreement(DEVELOPER, "licensor")
    status = {t.topic: t.status for t in result.topics}
    assert result.parties == {"licensor": "Publisher", "licensee": "Company"}
    for topic in ("grant", "liability", "indemnities", "exit", "opt_outs", "audit", "fees"):
        assert status[topic] == "one_sided", topic
    assert [t for t, s in status.items() if s == "missing" and LIBRARY.topic(t).core] == []
    assert not [
        t for t in review_agreement(DEVELOPER, "licensee").topics if t.status == "one_sided"
    ]


@pytest.mark.parametrize("position", ["balanced", "licensor", "licensee"])
def test_the_librarys_own_drafts_read_back_as_drafted(position: str, tmp_path: Path) -> None:
    sheet = load_term_sheet(EXAMPLE_TERM_SHEET, LIBRARY)
    positions = {t.id: position for t in LIBRARY}
    drafted = draft_agreement(sheet.model_copy(update={"positions": positions}), LIBRARY)
    path = write_document(drafted.document, tmp_path, "draft", ("docx",))["docx"]
    for side in LIBRARY.info.sides:
        result = review_agreement(path, side)
        assert [t.topic for t in result.topics if t.status == "missing"] == []
        against = {t.topic for t in result.topics if t.status == "one_sided"}
        if position in ("balanced", side):
            assert against == set(), (position, side)
        else:  # the other side's paper: its key protections are flagged
            assert {"liability", "indemnities", "exit", "data_protection"} <= against


def test_party_names_can_be_given() -> None:
    text = "The Owner licenses the Data to the User. The Owner's total liability shall not exceed "
    text += "the fees. The User shall pay the fees."
    parties = detect_parties(text, "Owner", "User")
    assert parties == {"licensor": "Owner", "licensee": "User"}
    agreement = parse_agreement(("LIMITATION OF LIABILITY\n" + text).encode())
    liability = next(
        t
        for t in review_text(agreement, licensor_name="Owner", licensee_name="User").topics
        if t.topic == "liability"
    )
    assert liability.status == "one_sided"


def test_review_memo_and_cli_json(tmp_path: Path) -> None:
    memo = review_memo(review_agreement(PARTIAL)).text()
    assert "Missing topics" in memo and "Data protection" in memo and "not legal advice" in memo
    result = runner.invoke(app, ["draft", "review", str(PARTIAL), "--json", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) >= {"topics", "summary", "parties", "disclaimer"}
    for entry in data["topics"]:
        assert set(entry) >= {"topic", "status", "clause", "comment"}
        assert entry["status"] in ("present", "missing", "one_sided")
    assert (tmp_path / "review-memo.md").is_file() and (tmp_path / "review.json").is_file()
    table = runner.invoke(app, ["draft", "review", str(PARTIAL), "--side", "licensor"])
    assert table.exit_code == 0 and "Limitation of" in table.stdout


def test_bad_side_and_missing_file_are_clear_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["draft", "review", str(PARTIAL), "--side", "buyer"])
    assert result.exit_code == 1 and "sidemustbeoneof" in _flat(result.output)
    result = runner.invoke(app, ["draft", "review", str(tmp_path / "none.pdf")])
    assert result.exit_code == 1 and "none.pdf" in _flat(result.output)


def _flat(text: str) -> str:
    """Return ``text`` without whitespace (Rich wraps long error lines at the terminal width)."""
    return re.sub(r"\s+", "", text)


def test_readers_refuse_what_they_cannot_read(tmp_path: Path) -> None:
    cases = {
        "zip.docx": b"PK\x03\x04not really a zip",
        "empty.txt": b"   \n\n",
        "binary.bin": b"\x00\x01\x02" * 100,
        "broken.pdf": b"%PDF-1.7\n%%EOF garbage",
    }
    for name, data in cases.items():
        path = tmp_path / name
        path.write_bytes(data)
        with pytest.raises(ContractError, match=re.escape(name)):
            read_agreement(path)


def test_docx_bomb_is_refused_before_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(readers, "MAX_UNZIPPED", 1024 * 1024)  # the real cap is 200 MiB
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b" " * (2 * 1024 * 1024) + b">")
    assert len(buffer.getvalue()) < 20_000  # a small file that would unpack far beyond the cap
    with pytest.raises(ContractError, match="unpacks to"):
        parse_agreement(buffer.getvalue(), "bomb.docx")


def test_text_formats_are_detected_by_content() -> None:
    assert parse_agreement(b"# Title\n\n## 1. Grant\ntext").format == "markdown"
    assert parse_agreement(b"SECTION 1 - GRANT\ntext").format == "text"
    assert (
        parse_agreement("Caf\u00e9 licence".encode("cp1252")).lines[0].text == "Caf\u00e9 licence"
    )


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=4000))
def test_parser_never_crashes_on_bytes(data: bytes) -> None:
    try:
        agreement = parse_agreement(data, "fuzz")
    except ContractError:
        return
    review_text(agreement)


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=3000))
def test_parser_never_crashes_on_docx_and_pdf_prefixes(tail: bytes) -> None:
    for head in (b"PK\x03\x04", b"%PDF-1.4\n"):
        try:
            parse_agreement(head + tail, "fuzz")
        except ContractError:
            pass


@settings(max_examples=80, deadline=None)
@given(st.binary(max_size=2000))
def test_mangled_real_docx_never_crashes(noise: bytes) -> None:
    data = bytearray((DATA / "tiny.docx").read_bytes())
    for i, byte in enumerate(noise[:200]):
        data[(i * 131 + byte) % len(data)] = byte
    try:
        parse_agreement(bytes(data), "mangled.docx")
    except ContractError:
        pass


_clauses = st.lists(
    st.one_of(
        st.text(max_size=120),
        st.sampled_from(
            [
                "1. Limitation of Liability",
                "SECTION 4 - TERM",
                "Clause 7: Fees",
                "The Licensor's total liability shall not exceed the fees.",
                "Licensor hereby grants to Licensee a licence.",
                "",
                "(a) item",
                "2.1 Each party shall keep information confidential.",
            ]
        ),
    ),
    max_size=40,
)


@settings(max_examples=150, deadline=None)
@given(_clauses)
def test_segmenter_and_review_never_crash_on_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    if not text.strip():
        return
    try:
        agreement = parse_agreement(text.encode("utf-8", "surrogatepass"), "fuzz.txt")
    except ContractError:
        return  # control characters only, or NUL bytes: refused, not crashed
    clauses = segment(agreement.lines)
    assert all(c.heading or c.paragraphs for c in clauses)
    result = review_text(agreement, "licensor")
    assert len(result.topics) == len(LIBRARY)
