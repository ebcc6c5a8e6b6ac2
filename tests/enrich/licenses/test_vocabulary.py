# SPDX-License-Identifier: Apache-2.0
"""The shipped licence vocabulary loads cleanly, is complete, and bad files are named."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from clearance.enrich.licenses.schema import STATES
from clearance.enrich.licenses.vocabulary import Vocabulary, alias_key, load_vocabulary
from clearance.errors import KnowledgeBaseError

SHIPPED = Path(__file__).parents[3] / "src" / "clearance" / "data" / "licenses"


def test_whole_shipped_set_loads(vocab: Vocabulary) -> None:
    assert len(vocab) >= 80
    assert len(vocab) == len(list(SHIPPED.glob("*.yaml")))
    for entry in vocab:
        assert entry.source_url.startswith("https://"), entry.id
        assert (SHIPPED / f"{entry.id}.yaml").exists()


@pytest.mark.parametrize("version", ["1.0", "2.0", "2.5", "3.0", "4.0"])
@pytest.mark.parametrize("code", ["BY", "BY-SA", "BY-NC", "BY-NC-SA", "BY-ND", "BY-NC-ND"])
def test_every_creative_commons_licence_is_there(
    vocab: Vocabulary, code: str, version: str
) -> None:
    entry = vocab.get(f"CC-{code}-{version}")
    assert entry is not None and entry.spdx_id == f"CC-{code}-{version}"
    assert entry.terms.non_commercial == ("NC" in code)
    assert entry.terms.share_alike == ("SA" in code)
    assert (entry.terms.derivatives == "private_only") == ("ND" in code)


@pytest.mark.parametrize(
    "lid",
    [
        "CC0-1.0",
        "CC-PDM-1.0",
        "ODC-By-1.0",
        "ODbL-1.0",
        "PDDL-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "C-UDA-1.0",
        "O-UDA-1.0",
        "OGL-UK-3.0",
        "etalab-2.0",
        "DL-DE-BY-2.0",
        "LicenseRef-clearance-mdl",
        "LicenseRef-clearance-openrail",
        "LicenseRef-clearance-bigscience-openrail-m",
        "LicenseRef-clearance-llama-2",
        "LicenseRef-clearance-llama-3.1",
        "LicenseRef-clearance-gemma",
        "LicenseRef-clearance-ai2-impact-lr",
        "LicenseRef-clearance-openai-terms",
        *STATES,
    ],
)
def test_issue_families_present(vocab: Vocabulary, lid: str) -> None:
    assert vocab.get(lid) is not None


def test_ports_resolve_to_their_base_licence(vocab: Vocabulary) -> None:
    entry = vocab.get("cc-by-sa-3.0-igo")
    assert entry is not None and entry.id == "CC-BY-SA-3.0"
    assert vocab.canonical_id("cc-by-sa-3.0-igo") == "CC-BY-SA-3.0-IGO"


def test_alias_key_folds_spelling() -> None:
    assert alias_key("CC BY-NC 4.0") == alias_key("cc-by-nc-4.0") == "cc by nc 4.0"
    assert alias_key("Licence") == "license"


def _write(directory: Path, name: str, data: object) -> None:
    (directory / name).write_text(yaml.safe_dump(data), encoding="utf-8")


def _minimal(lid: str, **extra: object) -> dict[str, object]:
    entry: dict[str, object] = {"id": lid, "name": lid, "family": "x"}
    if not lid.startswith("LicenseRef-") and lid != "my-licence":
        entry["spdx_id"] = lid
    return {**entry, "source_url": "https://example.org", **extra}


def test_invalid_entry_names_the_file(tmp_path: Path) -> None:
    _write(tmp_path, "MIT.yaml", _minimal("MIT", terms={"commercial_use": "maybe"}))
    with pytest.raises(KnowledgeBaseError) as err:
        load_vocabulary(tmp_path)
    assert err.value.path is not None and err.value.path.endswith("MIT.yaml")


def test_file_must_be_named_by_id(tmp_path: Path) -> None:
    _write(tmp_path, "other.yaml", _minimal("MIT"))
    with pytest.raises(KnowledgeBaseError, match="named MIT.yaml"):
        load_vocabulary(tmp_path)


def test_alias_collision_is_an_error(tmp_path: Path) -> None:
    _write(tmp_path, "MIT.yaml", _minimal("MIT", aliases=["Expat"]))
    _write(
        tmp_path,
        "LicenseRef-clearance-x.yaml",
        _minimal("LicenseRef-clearance-x", aliases=["expat"]),
    )
    with pytest.raises(KnowledgeBaseError, match="already claimed"):
        load_vocabulary(tmp_path)


def test_unknown_condition_and_bad_id_are_rejected(tmp_path: Path) -> None:
    _write(tmp_path, "MIT.yaml", _minimal("MIT", terms={"conditions": ["be nice"]}))
    with pytest.raises(KnowledgeBaseError, match="unknown condition"):
        load_vocabulary(tmp_path)
    (tmp_path / "MIT.yaml").unlink()
    _write(tmp_path, "my-licence.yaml", _minimal("my-licence"))
    with pytest.raises(KnowledgeBaseError, match="LicenseRef-clearance"):
        load_vocabulary(tmp_path)


def test_broken_yaml_and_empty_directory(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeBaseError, match="no licence entries"):
        load_vocabulary(tmp_path)
    (tmp_path / "MIT.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(KnowledgeBaseError, match="cannot read"):
        load_vocabulary(tmp_path)
