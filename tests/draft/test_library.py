# SPDX-License-Identifier: Apache-2.0
"""The clause library as data: the whole shipped set validates, covers every topic the issue
names with three positions and cited jurisdiction notes, and the loader names bad files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from clearance.draft.library import LIBRARIES, check_library, default_library, load_library
from clearance.draft.playbook import shipped_strategies
from clearance.draft.sources import CLAUSES_ROOT, default_citations, load_sources
from clearance.draft.user_licence import user_licences
from clearance.errors import KnowledgeBaseError

TOPIC_FILES = sorted(
    p for lib in LIBRARIES for p in (CLAUSES_ROOT / lib).glob("*.yaml") if p.name != "library.yaml"
)
ALL_YAML = sorted(CLAUSES_ROOT.rglob("*.yaml"))

# Every topic an AI data licence must settle, as issue 15 lists them.
LICENCE_TOPICS = [
    "definitions",
    "grant",
    "purpose",
    "territory",
    "term",
    "exclusivity",
    "delivery",
    "fees",
    "warranties",
    "data_protection",
    "opt_outs",
    "attribution",
    "outputs",
    "models",
    "exit",
    "audit",
    "confidentiality",
    "indemnities",
    "liability",
    "governing_law",
]
TERMS_TOPICS = ["outputs", "inputs", "training", "similarity", "indemnity", "takedown", "labelling"]


@pytest.mark.parametrize("kind", LIBRARIES)
def test_shipped_library_has_no_problems(kind: str) -> None:
    library, problems = check_library(CLAUSES_ROOT / kind)
    assert [str(p) for p in problems] == []
    assert library is not None
    assert len(library) == len([p for p in TOPIC_FILES if p.parent.name == kind])


def test_licence_library_covers_every_topic_the_issue_names() -> None:
    library = default_library("licence")
    assert [t for t in LICENCE_TOPICS if t not in library] == []
    assert all(library.topic(t).core for t in LICENCE_TOPICS)


def test_terms_library_covers_the_product_terms_topics() -> None:
    library = default_library("terms")
    assert [t for t in TERMS_TOPICS if t not in library] == []


@pytest.mark.parametrize("kind", LIBRARIES)
def test_every_topic_has_three_distinct_positions_with_reasons(kind: str) -> None:
    library = default_library(kind)
    for topic in library:
        texts = {
            " ".join(p.text) + repr(sorted(p.defines.items())) for p in topic.positions.values()
        }
        assert len(texts) == 3, topic.id
        for name, position in topic.positions.items():
            assert position.why and position.concern, (topic.id, name)
            assert position.why != position.concern, (topic.id, name)


def test_definitions_keep_each_use_separate() -> None:
    definitions = default_library("licence").topic("definitions")
    for term in (
        "Training",
        "Fine-Tuning",
        "Evaluation",
        "Retrieval-Augmented Generation",
        "Output",
        "Licensed Content",
    ):
        assert term in definitions.defines, term
    for position in definitions.positions.values():
        assert "Licensed Model" in position.defines


def test_fees_cover_flat_per_token_revenue_share_and_mfn() -> None:
    fees = default_library("licence").topic("fees")
    text = " ".join(" ".join(p.text) for p in fees.positions.values()).lower()
    for needle in ("one-off fee", "million tokens", "revenue", "more favourable", "annual fee"):
        assert needle in text, needle
    assert fees.variables["usage_metric"].choices == ("requests", "tokens")


def test_jurisdiction_notes_cover_eu_reservations_gdpr_roles_and_moral_rights() -> None:
    library = default_library("licence")
    cited = {c for t in library for n in t.jurisdictions for c in n.cites}
    for needed in (
        "eu-statute-dsm-art4",
        "eu-gdpr-art26",
        "eu-gdpr-art28",
        "fr-cpi-l121-1",
        "uk-cdpa-s87",
        "eu-scc-2021-914",
    ):
        assert needed in cited, needed


def test_product_terms_cite_the_vendor_programmes_and_labelling_rules() -> None:
    terms = default_library("terms")
    indemnity = {c for n in terms.topic("indemnity").jurisdictions for c in n.cites}
    assert {
        "ms-copilot-copyright-commitment",
        "google-genai-indemnity",
        "openai-copyright-shield",
        "adobe-firefly-indemnity",
        "aws-genai-indemnity",
    } <= indemnity
    labelling = {c for n in terms.topic("labelling").jurisdictions for c in n.cites}
    assert {"eu-regulation-ai-act-art50", "cn-regulation-ai-content-labelling"} <= labelling
    conditions = " ".join(terms.topic("indemnity").positions["balanced"].text)
    for needle in (
        "knew or should have known",
        "disabled",
        "modified",
        "right to use the Input",
        "trademark",
        "third-party model",
    ):
        assert needle in conditions, needle


def test_every_citation_resolves_and_unverified_sources_say_why() -> None:
    citations = default_citations()
    sources = load_sources(CLAUSES_ROOT / "sources.yaml")
    assert len(sources) >= 15
    for source in sources.values():
        assert source.verified or (source.notes and len(source.notes) > 20), source.id
        assert source.checked >= source.date
    for kind in LIBRARIES:
        for topic in default_library(kind):
            for note in topic.jurisdictions:
                for cite in note.cites:
                    record = citations.get(cite)
                    assert record["url"].startswith("http"), cite
                    assert record["checked"], cite


@pytest.mark.parametrize("path", ALL_YAML, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_data_file_has_the_spdx_header_and_parses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# SPDX-License-Identifier: Apache-2.0")
    assert isinstance(yaml.safe_load(text), dict)


@pytest.mark.parametrize("path", TOPIC_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_topic_file_is_named_by_its_id(path: Path) -> None:
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["id"] == path.stem


def test_strategies_and_user_licences_load() -> None:
    assert set(shipped_strategies()) == {"tough", "balanced", "cooperative"}
    versions = user_licences()
    assert list(versions) == ["1.0", "1.1"]
    assert versions["1.1"].supersedes == "1.0"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "licence"
    shutil.copytree(CLAUSES_ROOT / "licence", root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.mark.parametrize(
    ("file", "old", "new", "message"),
    [
        ("fees.yaml", "  balanced:\n", "  middle:\n", "positions must be exactly"),
        ("fees.yaml", "{{ v.annual_fee", "{{ v.annual_fees", "undeclared variables"),
        ("fees.yaml", "{{ ref('audit') }}", "{{ ref('auditing') }}", "unknown topics"),
        (
            "grant.yaml",
            "cites: [eu-statute-dsm-art4",
            "cites: [eu-statute-dsm-art99",
            "neither sources nor law entries",
        ),
        ("grant.yaml", "  - \\bgrant\\b\n", "  - \\bgrant(\n", "bad pattern"),
        ("territory.yaml", "order: 4", "order: 3", "also used by"),
        ("exit.yaml", "id: exit", "id: exits", "equal the file name"),
        ("audit.yaml", "core: true", "core: maybe", "core"),
        (
            "term.yaml",
            "  licensor:\n    summary:",
            "  licensor:\n    summary: {{ oops\n    x:",
            "invalid YAML",
        ),
    ],
)
def test_broken_library_names_the_file(
    tmp_path: Path, file: str, old: str, new: str, message: str
) -> None:
    root = _copy(tmp_path)
    _edit(root / file, old, new)
    _, problems = check_library(root)
    assert problems, file
    assert any(message in str(p) for p in problems), [str(p) for p in problems]
    assert any(Path(p.path or "").name == file for p in problems)
    with pytest.raises(KnowledgeBaseError, match=file.replace(".", r"\.")):
        load_library(root)


def test_duplicate_definition_across_topics_is_refused(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "territory.yaml", "  Territory: the territory", "  Term: the territory")
    _, problems = check_library(root)
    assert any("also defined by" in str(p) for p in problems)
