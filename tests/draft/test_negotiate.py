# SPDX-License-Identifier: Apache-2.0
"""The negotiation simulation: the example playbook reaches agreement with a transcript and a
redline, the same seed gives the same transcript, a tough counterparty deadlocks and says so,
and no side ever crosses a red line or goes below the floor of its ladder."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from clearance.cli import app
from clearance.draft.library import default_library
from clearance.draft.negotiate import Outcome, simulate
from clearance.draft.playbook import EXAMPLE_PLAYBOOK, Playbook, SidePlan, load_playbook
from clearance.draft.redline import redline, word_spans
from clearance.draft.run import write_negotiation
from clearance.draft.termsheet import EXAMPLE_TERM_SHEET
from clearance.errors import ContractError

LIBRARY = default_library("licence")
runner = CliRunner()


def _example(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(EXAMPLE_PLAYBOOK.read_text(encoding="utf-8"))
    for key, value in changes.items():
        if key == "licensor_strategy":
            data["sides"]["licensor"]["strategy"] = value
        else:
            data[key] = value
    data["term_sheet"] = str(EXAMPLE_TERM_SHEET)
    path = tmp_path / "playbook.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def _run(path: Path, seed: int | None = None) -> Outcome:
    book, sheet = load_playbook(path, LIBRARY)
    if seed is not None:
        book = book.model_copy(update={"seed": seed})
    return simulate(book, LIBRARY, {t.id: sheet.position(t.id) for t in LIBRARY})


def test_example_reaches_agreement_with_a_package(tmp_path: Path) -> None:
    result = write_negotiation(EXAMPLE_PLAYBOOK, tmp_path)
    assert result["result"] == "agreement" and result["open"] == []
    assert result["packages"], "the licensee's trade is taken"
    for name in (
        "transcript.md",
        "transcript.json",
        "issues.md",
        "issues.json",
        "summary.md",
        "redline.md",
        "redline.docx",
        "redline.pdf",
        "final-draft.docx",
        "first-draft.md",
        "result.json",
    ):
        assert (tmp_path / name).is_file(), name
    transcript = json.loads((tmp_path / "transcript.json").read_text(encoding="utf-8"))
    actions = {e["action"] for e in transcript}
    assert {"tables", "offers", "takes_package", "concedes", "accepts", "red_line"} <= actions
    issues = json.loads((tmp_path / "issues.json").read_text(encoding="utf-8"))
    assert all(i["status"] == "agreed" for i in issues)
    assert len(issues) == 16
    summary = (tmp_path / "summary.md").read_text(encoding="utf-8")
    assert "Licensor:" in summary and "Licensee:" in summary and "Packages agreed" in summary


def test_redline_marks_what_changed_from_first_to_final_draft(tmp_path: Path) -> None:
    write_negotiation(EXAMPLE_PLAYBOOK, tmp_path)
    red = (tmp_path / "redline.md").read_text(encoding="utf-8")
    assert "<del>" in red and "<ins>" in red
    first = (tmp_path / "first-draft.md").read_text(encoding="utf-8")
    final = (tmp_path / "final-draft.md").read_text(encoding="utf-8")
    assert first != final
    assert "without the right to sublicense" in first  # the licensor's opening grant
    assert "through its Affiliates" in final  # the balanced grant agreed
    document = docx.Document(str(tmp_path / "redline.docx"))
    runs = [r for p in document.paragraphs for r in p.runs]
    assert any(r.font.strike for r in runs) and any(r.font.underline for r in runs)


def test_same_seed_same_transcript(tmp_path: Path) -> None:
    path = _example(tmp_path)
    one, two = _run(path, seed=11), _run(path, seed=11)
    assert [e.to_dict() for e in one.transcript] == [e.to_dict() for e in two.transcript]
    assert one.final == two.final
    a, b = tmp_path / "a", tmp_path / "b"
    write_negotiation(path, a, seed=3, formats=("md",))
    write_negotiation(path, b, seed=3, formats=("md",))
    assert (a / "transcript.json").read_bytes() == (b / "transcript.json").read_bytes()
    assert (a / "redline.md").read_bytes() == (b / "redline.md").read_bytes()


def test_tough_counterparty_deadlocks_and_reports_open_issues(tmp_path: Path) -> None:
    outcome = _run(_example(tmp_path, licensor_strategy="tough"))
    assert outcome.result == "deadlock"
    still = [t for t in outcome.stances["licensor"] if t not in outcome.agreed]
    assert still and all(LIBRARY.topic(t).title in outcome.reason for t in still)
    out = tmp_path / "out"
    result = write_negotiation(_example(tmp_path, licensor_strategy="tough"), out, formats=("md",))
    assert result["result"] == "deadlock"
    issues = (out / "issues.md").read_text(encoding="utf-8")
    assert "Open issues" in issues


def test_cooperative_counterparty_concedes_more(tmp_path: Path) -> None:
    tough = _run(_example(tmp_path, licensor_strategy="tough"))
    coop = _run(_example(tmp_path, licensor_strategy="cooperative"))
    assert coop.result == "agreement"
    assert len(coop.concessions["licensor"]) > len(tough.concessions["licensor"])


def _check_invariants(book: Playbook, outcome: Outcome) -> None:
    for side in LIBRARY.info.sides:
        plan: SidePlan = book.sides[side]  # type: ignore[index]
        for topic, stance in outcome.stances[side].items():
            ladder = list(plan.ladders.get(topic, (side, "balanced")))
            if topic in plan.red_lines:
                ladder = ladder[:1]
            assert stance in ladder, (side, topic)
            if topic in outcome.agreed:
                agreed = outcome.final[topic]
                packaged = any(topic in {*p["give"], *p["get"]} for p in outcome.packages)
                assert agreed in ladder or packaged, (side, topic, agreed)
    assert outcome.result in ("agreement", "deadlock")
    assert outcome.rounds <= book.max_rounds


_position = st.sampled_from(LIBRARY.positions)
_topics = [t.id for t in LIBRARY]


@st.composite
def _plans(draw: st.DrawFn, side: str) -> dict[str, Any]:
    topics = draw(st.lists(st.sampled_from(_topics), max_size=6, unique=True))
    ladders = {}
    for t in topics:
        order = sorted(LIBRARY.positions, key=lambda p: -LIBRARY.value(side, p))
        size = draw(st.integers(1, 3))
        ladders[t] = order[:size]
    return {
        "strategy": draw(st.sampled_from(["tough", "balanced", "cooperative"])),
        "priorities": {
            t: draw(st.integers(1, 5))
            for t in draw(st.lists(st.sampled_from(_topics), max_size=8, unique=True))
        },
        "ladders": ladders,
        "red_lines": {
            t: "no" for t in draw(st.lists(st.sampled_from(_topics), max_size=2, unique=True))
        },
        "trades": [
            {
                "give": {draw(st.sampled_from(_topics)): draw(_position)},
                "get": {draw(st.sampled_from(_topics)): draw(_position)},
            }
            for _ in range(draw(st.integers(0, 2)))
        ],
    }


@settings(max_examples=40, deadline=None)
@given(_plans("licensor"), _plans("licensee"), st.integers(0, 10_000), st.integers(1, 15))
def test_any_playbook_terminates_within_its_ladders(
    licensor: dict[str, Any], licensee: dict[str, Any], seed: int, rounds: int
) -> None:
    book = Playbook.model_validate(
        {"seed": seed, "max_rounds": rounds, "sides": {"licensor": licensor, "licensee": licensee}}
    )
    outcome = simulate(book, LIBRARY, {t: "balanced" for t in _topics})
    _check_invariants(book, outcome)
    again = simulate(book, LIBRARY, {t: "balanced" for t in _topics})
    assert [e.to_dict() for e in again.transcript] == [e.to_dict() for e in outcome.transcript]


@pytest.mark.parametrize(
    ("side_edit", "message"),
    [
        ({"ladders": {"exit": ["balanced", "licensor"]}}, "order the rungs best first"),
        ({"ladders": {"exit": ["sometimes"]}}, "positions are"),
        ({"strategy": "reckless"}, "unknown strategy"),
        ({"priorities": {"exit": 9}}, "priority must be 1-5"),
        ({"priorities": {"nothing": 3}}, "not a topic in play"),
        ({"trades": [{"give": {"exit": "x"}, "get": {"fees": "licensor"}}]}, "unknown position"),
    ],
)
def test_bad_playbooks_name_the_file_and_field(
    tmp_path: Path, side_edit: dict[str, Any], message: str
) -> None:
    data = yaml.safe_load(EXAMPLE_PLAYBOOK.read_text(encoding="utf-8"))
    data["sides"]["licensor"].update(side_edit)
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContractError) as err:
        load_playbook(path, LIBRARY)
    assert message in str(err.value) and "bad.yaml" in str(err.value)


def test_inline_term_sheet_and_missing_side(tmp_path: Path) -> None:
    data = yaml.safe_load(EXAMPLE_PLAYBOOK.read_text(encoding="utf-8"))
    data["term_sheet"] = yaml.safe_load(EXAMPLE_TERM_SHEET.read_text(encoding="utf-8"))
    path = tmp_path / "inline.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    book, sheet = load_playbook(path, LIBRARY)
    assert sheet.reference == "LA-17"
    del data["sides"]["licensee"]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    with pytest.raises(ContractError, match="sides.licensee: missing"):
        load_playbook(path, LIBRARY)


def test_cli_prints_and_runs_the_example(tmp_path: Path) -> None:
    printed = runner.invoke(app, ["draft", "negotiate", "--example"])
    assert printed.exit_code == 0 and "sides:" in printed.stdout
    ran = runner.invoke(
        app,
        [
            "draft",
            "negotiate",
            "--example",
            "--out",
            str(tmp_path),
            "--seed",
            "5",
            "--format",
            "md",
            "--json",
        ],
    )
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["seed"] == 5
    missing = runner.invoke(app, ["draft", "negotiate", "--out", str(tmp_path)])
    assert missing.exit_code == 2


def test_word_spans_fold_and_rewrite() -> None:
    spans = word_spans("The quick brown fox jumps.", "The quick red fox jumps.")
    assert ("delete", "brown") in spans and ("insert", "red") in spans
    assert "".join(t for op, t in spans if op != "delete") == "The quick red fox jumps."
    assert "".join(t for op, t in spans if op != "insert") == "The quick brown fox jumps."
    whole = word_spans("Alpha beta gamma delta.", "Completely different text here now.")
    assert whole[0] == ("delete", "Alpha beta gamma delta.")


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200), st.text(max_size=200))
def test_word_spans_reconstruct_both_texts(old: str, new: str) -> None:
    spans = word_spans(old, new)
    kept_new = "".join(t for op, t in spans if op != "delete")
    kept_old = "".join(t for op, t in spans if op != "insert")
    if old and new and spans and spans[1:2] == (("equal", " "),):  # rewritten whole
        assert spans[0][1] == old and spans[-1][1] == new
    else:
        assert kept_new == new and kept_old == old


def test_redline_counts_changes() -> None:
    from clearance.draft.document import Document

    a, b = Document("A"), Document("A")
    a.add("clause", "Licensee shall pay the fee.", number="1.1")
    a.add("clause", "This goes.", number="1.2")
    b.add("clause", "Licensee shall pay the annual fee.", number="1.1")
    b.add("clause", "This is new.", number="1.2")
    b.add("clause", "And this too.", number="1.3")
    doc, stats = redline(a, b)
    assert stats.changed >= 1 and stats.words_inserted >= 1
    assert all(block.kind == "redline" for block in doc.blocks)
