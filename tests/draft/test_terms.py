# SPDX-License-Identifier: Apache-2.0
"""Product terms: plans drive the training and indemnity wording, the indemnity carries the
conditions vendors impose, and markets bring the EU, Chinese and Korean labelling duties."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from clearance.cli import app
from clearance.draft.library import default_library
from clearance.draft.terms import EXAMPLE_PRODUCT_TERMS, draft_terms, load_product_terms
from clearance.errors import ContractError

LIBRARY = default_library("terms")
runner = CliRunner()


def _sheet(tmp_path: Path, **changes: Any) -> Path:
    data = yaml.safe_load(EXAMPLE_PRODUCT_TERMS.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "terms.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_example_terms_cover_every_topic_and_plan(tmp_path: Path) -> None:
    drafted = draft_terms(load_product_terms(EXAMPLE_PRODUCT_TERMS, LIBRARY), LIBRARY)
    text = drafted.document.text()
    headings = [b.topic for b in drafted.document.blocks if b.kind == "heading" and b.number]
    assert headings == [t.id for t in LIBRARY]
    assert (
        "Free: unless you opt out in your settings; Pro: only if you opt in; Enterprise: "
        "never." in text
    )
    assert "For Plans that include it (Pro, Enterprise)" in text
    for condition in (
        "knew or should have known",
        "disabled, bypassed or ignored",
        "modified",
        "right to use the Input",
        "trademark",
        "third-party model",
    ):
        assert condition in text, condition
    assert "Article 50(2) of Regulation (EU) 2024/1689" in text
    assert "GB 45438-2025" in text and "AI Basic Act" in text
    assert "repeatedly infringe" in text
    assert "not be unique" in text
    assert drafted.lint == []
    memo = drafted.memo.text()
    for cite in (
        "openai-copyright-shield",
        "ms-copilot-copyright-commitment",
        "google-genai-indemnity",
        "cn-regulation-ai-content-labelling",
    ):
        assert cite in memo, cite


def test_markets_decide_the_labelling_paragraphs(tmp_path: Path) -> None:
    sheet = load_product_terms(_sheet(tmp_path, markets=["us"]), LIBRARY)
    text = draft_terms(sheet, LIBRARY).document.text()
    assert "GB 45438-2025" not in text and "Article 50(2)" not in text
    assert "must not remove, alter or obscure" in text  # provenance duty applies everywhere


def test_positions_change_the_terms(tmp_path: Path) -> None:
    provider = draft_terms(
        load_product_terms(
            _sheet(tmp_path, positions={t.id: "provider" for t in LIBRARY}), LIBRARY
        ),
        LIBRARY,
    )
    user = draft_terms(
        load_product_terms(_sheet(tmp_path, positions={t.id: "user" for t in LIBRARY}), LIBRARY),
        LIBRARY,
    )
    assert "Provider gives no indemnity for Output" in provider.document.text()
    assert "without limit and whatever your Plan" in user.document.text()
    assert "Positions that are not balanced" in provider.memo.text()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"plans": [{"name": "Free", "training": "sometimes"}]}, "plans.0.training"),
        ({"plans": []}, "plans"),
        ({"positions": {"indemnity": "generous"}}, "is not one of"),
        ({"numbers": {"strikes": -1}}, "non-negative"),
        (
            {"plans": [{"name": "A", "training": "never"}, {"name": "A", "training": "never"}]},
            "same name",
        ),
    ],
)
def test_bad_sheets_are_clear_errors(tmp_path: Path, changes: dict[str, Any], message: str) -> None:
    path = _sheet(tmp_path, **changes)
    with pytest.raises(ContractError) as err:
        load_product_terms(path, LIBRARY)
    assert message in str(err.value) and "terms.yaml" in str(err.value)


def test_cli_terms(tmp_path: Path) -> None:
    printed = runner.invoke(app, ["draft", "terms", "--example-terms"])
    assert printed.exit_code == 0 and "plans:" in printed.stdout
    path = tmp_path / "t.yaml"
    path.write_text(printed.stdout, encoding="utf-8")
    result = runner.invoke(
        app, ["draft", "terms", str(path), "--out", str(tmp_path / "o"), "--format", "docx,md"]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "o" / "terms.docx").is_file() and (
        tmp_path / "o" / "cover-memo.md"
    ).is_file()
    assert not (tmp_path / "o" / "terms.pdf").exists()
    bad = runner.invoke(
        app, ["draft", "terms", str(path), "--out", str(tmp_path), "--format", "rtf"]
    )
    assert bad.exit_code == 1 and "formatsmustbeamong" in "".join(bad.output.split())
    topics = runner.invoke(app, ["draft", "topics", "--library", "terms", "--json"])
    assert topics.exit_code == 0 and '"labelling"' in topics.stdout
