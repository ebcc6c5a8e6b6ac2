# SPDX-License-Identifier: Apache-2.0
"""The report's knowledge files: the shipped set loads and cross-checks; bad files are named."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

import pytest
import yaml

from clearance.enrich.categories import category_ids
from clearance.errors import KnowledgeBaseError
from clearance.law import default_knowledge_base
from clearance.report import load_report_knowledge
from clearance.report.knowledge import ACTIONS, DRIVERS

SHIPPED = Path(str(resources.files("clearance").joinpath("data/report")))


def test_the_shipped_set_loads_and_cross_checks() -> None:
    knowledge = load_report_knowledge(SHIPPED)
    kb = default_knowledge_base()
    for category, links in knowledge.salience.categories.items():
        assert category in category_ids()
        for link in links:
            entry = kb.get(link.id)  # raises when the id is not in the knowledge base
            assert entry.type in ("case", "settlement"), link.id
    assert set(knowledge.salience.status_weights) <= {"pending", "appealed", "decided", "settled"}
    assert {r.action for r in knowledge.recommendations} == set(ACTIONS)
    assert set(knowledge.drivers) == set(DRIVERS)
    assert knowledge.method and all(s.text for s in knowledge.method)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    root = tmp_path / "report"
    shutil.copytree(SHIPPED, root)
    return root


def edit(path: Path, change: object) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(yaml.safe_dump(data), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "change", "message"),
    [
        (
            "recommendations.yaml",
            lambda d: d["recommendations"][0].update(text="Do {nothing}."),
            "placeholder",
        ),
        (
            "recommendations.yaml",
            lambda d: d["recommendations"][0]["when"].update(driver="x"),
            "driver",
        ),
        ("recommendations.yaml", lambda d: d["recommendations"].pop(), "fallback"),
        ("recommendations.yaml", lambda d: d["recommendations"][0].update(action="pray"), "action"),
        ("recommendations.yaml", lambda d: d["actions"].pop("filter"), "actions"),
        (
            "recommendations.yaml",
            lambda d: d["recommendations"][1].update(id=d["recommendations"][0]["id"]),
            "repeat",
        ),
        (
            "recommendations.yaml",
            lambda d: d["next_steps"][0]["when"].update(categories=["adult"]),
            "whole dataset",
        ),
        ("salience.yaml", lambda d: d["categories"].update(space_opera=[]), "space_opera"),
        (
            "salience.yaml",
            lambda d: d["categories"]["news_publisher"][0].update(importance=5),
            "importance",
        ),
        (
            "salience.yaml",
            lambda d: d["categories"]["code_hosting"].append(d["categories"]["code_hosting"][0]),
            "twice",
        ),
        ("method.yaml", lambda d: d["sections"][0].update(text="As of {today}."), "placeholder"),
    ],
)
def test_bad_files_are_named(copy: Path, file: str, change: object, message: str) -> None:
    edit(copy / file, change)
    with pytest.raises(KnowledgeBaseError, match=message) as caught:
        load_report_knowledge(copy)
    assert caught.value.path is not None and caught.value.path.startswith(str(copy))


def test_unreadable_yaml_is_named(copy: Path) -> None:
    (copy / "salience.yaml").write_text("categories: [unclosed\n", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="invalid YAML") as caught:
        load_report_knowledge(copy)
    assert caught.value.path == str(copy / "salience.yaml")


def test_missing_file_is_named(copy: Path) -> None:
    (copy / "method.yaml").unlink()
    with pytest.raises(KnowledgeBaseError, match="cannot read") as caught:
        load_report_knowledge(copy)
    assert caught.value.path == str(copy / "method.yaml")
