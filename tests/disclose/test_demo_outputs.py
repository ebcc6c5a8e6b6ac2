# SPDX-License-Identifier: Apache-2.0
"""On the demo scan, every disclosure file is written and passes its format's validator."""

from __future__ import annotations

import io
import json
import math
from pathlib import Path

import polars as pl
import pytest
import yaml

from clearance.disclose import DISCLOSURE_FILES

pytestmark = pytest.mark.slow


def _files(demo_dir: Path) -> dict[str, Path]:
    return {k: demo_dir / "scan" / "disclosures" / v for k, v in DISCLOSURE_FILES.items()}


def test_every_file_is_written(demo_dir: Path) -> None:
    for key, path in _files(demo_dir).items():
        assert path.is_file() and path.stat().st_size > 0, key


def test_drafts_say_they_are_drafts_for_counsel(demo_dir: Path) -> None:
    for key in ("eu_summary_md", "ab2013_md", "code_of_practice_md", "hf_card"):
        text = _files(demo_dir)[key].read_text("utf-8").lower()
        assert "counsel" in text and "not legal advice" in text, key


# mlcroissant builds an rdflib ConjunctiveGraph, which rdflib 7 deprecates (not our code)
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_croissant_is_valid_per_mlcroissant(demo_dir: Path) -> None:
    mlc = pytest.importorskip("mlcroissant")
    ds = mlc.Dataset(jsonld=str(_files(demo_dir)["croissant"]))
    md = ds.metadata
    assert not md.ctx.issues.errors
    assert md.conforms_to and "croissant/1.1" in str(md.conforms_to[0])
    assert md.data_collection_type and "Web Scraping" in md.data_collection_type
    assert md.personal_sensitive_information and md.data_collection_timeframe
    assert md.distribution[0].sha256


def test_cyclonedx_is_valid_per_cyclonedx_python_lib(demo_dir: Path) -> None:
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    text = _files(demo_dir)["cyclonedx"].read_text("utf-8")
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(text) is None
    bom = json.loads(text)
    assert {c["type"] for c in bom["components"]} == {"data"}
    assert bom["metadata"]["component"]["type"] == "machine-learning-model"
    # the validator is not a rubber stamp: a wrong enum value fails
    bom["components"][0]["data"][0]["type"] = "not-a-type"
    assert JsonStrictValidator(SchemaVersion.V1_6).validate_str(json.dumps(bom)) is not None


def test_spdx3_is_valid_per_the_spdx_model(demo_dir: Path) -> None:
    from spdx_python_model import v3_0_1 as spdx

    doc = json.loads(_files(demo_dir)["spdx3"].read_text("utf-8"))
    objects = spdx.SHACLObjectSet()
    spdx.JSONLDDeserializer().deserialize_data(doc, objects)
    spdx.JSONLDSerializer().write(objects, io.BytesIO())  # checks required properties
    types = {type(o).__name__ for o in objects.objects}
    assert {"ai_AIPackage", "dataset_DatasetPackage", "Relationship", "SpdxDocument"} <= types
    rels = [o for o in objects.objects if type(o).__name__ == "Relationship"]
    assert any(str(r.relationshipType).endswith("trainedOn") for r in rels)
    datasets = [o for o in objects.objects if type(o).__name__ == "dataset_DatasetPackage"]
    assert all(d.dataset_hasSensitivePersonalInformation for d in datasets)
    bad = json.loads(json.dumps(doc))
    for e in bad["@graph"]:
        if e["type"] == "dataset_DatasetPackage":
            e["dataset_hasSensitivePersonalInformation"] = "maybe"
    with pytest.raises(ValueError):
        spdx.JSONLDDeserializer().deserialize_data(bad, spdx.SHACLObjectSet())


def test_hf_card_metadata_is_valid(demo_dir: Path) -> None:
    from huggingface_hub import DatasetCard, DatasetCardData

    from clearance.disclose.hf_card import HF_LICENCES, SIZE_CATEGORIES

    text = _files(demo_dir)["hf_card"].read_text("utf-8")
    card = DatasetCard(text)
    meta = card.data.to_dict()
    DatasetCardData(**meta)
    assert meta["license"] in HF_LICENCES | {"other"}
    if meta["license"] == "other":
        assert meta["license_name"] and meta["license_link"] == "LICENSES.md"
        assert (_files(demo_dir)["hf_licences"]).is_file()
    labels = {label for _, label in SIZE_CATEGORIES} | {"n>1T"}
    assert set(meta["size_categories"]) <= labels
    assert yaml.safe_load(text.split("---")[1]) == meta


def test_eu_docx_and_pdf_open(demo_dir: Path) -> None:
    import docx
    from pypdf import PdfReader

    files = _files(demo_dir)
    d = docx.Document(str(files["eu_summary_docx"]))
    headings = [p.text for p in d.paragraphs if p.style.name.startswith("Heading")]
    for title in ("1.1 Provider identification", "2.3 Data crawled and scraped from online "
                  "sources", "3.1 Respect of reservation of rights from text and data mining "
                  "exception or limitation", "Gaps to fill before publication"):
        assert title in headings
    assert "DRAFT FOR COUNSEL" in "\n".join(p.text for p in d.paragraphs)
    reader = PdfReader(str(files["eu_summary_pdf"]))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Public Summary of Training Content" in text and "counsel" in text
    assert len(reader.pages) >= 3


def test_eu_domain_list_matches_the_scans_ranking(demo_dir: Path) -> None:
    scan = demo_dir / "scan"
    tiers = pl.read_parquet(scan / "assessment.parquet", columns=["item_id", "tier"]) \
        .unique("item_id").with_columns(pl.col("tier").cast(pl.String))
    facts = pl.read_parquet(scan / "facts.parquet").join(tiers, on="item_id")
    crawled = facts.filter(pl.col("tier").is_in(["approved", "restricted"])
                           & (pl.col("acquisition_channel") == "provider_crawl")
                           & pl.col("registrable_domain").is_not_null())
    ranked = crawled.group_by("registrable_domain").agg(
        pl.col("size_bytes").sum().alias("b"), pl.len().alias("n")
    ).sort(["b", "n", "registrable_domain"], descending=[True, True, False])
    n = ranked.height
    k = min(math.ceil(0.05 * n), 1000)  # Acme is an SME in the example MODEL.yaml
    expected = ranked["registrable_domain"].to_list()[:k]
    text = _files(demo_dir)["eu_summary_md"].read_text("utf-8")
    section = text.split("Summary of the most relevant domain names crawled")[1]
    rows = [line.split("|")[2].strip() for line in section.splitlines()
            if line.startswith("| ") and line.split("|")[1].strip().isdigit()]
    assert rows == expected and len(rows) == k > 0
    csv = (demo_dir / "scan" / "disclosures" / "domains.csv").read_text("utf-8").splitlines()
    assert [line.split(",")[1] for line in csv[1:]] == ranked["registrable_domain"].to_list()
