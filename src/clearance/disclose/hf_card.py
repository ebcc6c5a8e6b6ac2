# SPDX-License-Identifier: Apache-2.0
"""A Hugging Face dataset card (README.md with YAML metadata) and its licence breakdown.

Metadata keys are the Hub's (``license``, ``license_name``, ``license_link``, ``language``,
``size_categories``, ``source_datasets``, ``pretty_name``, ``tags``). A training set with more
than one licence is ``license: other`` with ``license_link: LICENSES.md``, the per-licence
counts written beside the card. The body follows the Hub's dataset card template headings.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import yaml

from clearance.disclose.digest import ScanDigest
from clearance.disclose.eu_processing import exclusion_text
from clearance.disclose.facts_text import count, human_bytes, modalities_text, top_items
from clearance.disclose.model_info import ModelInfo

__all__ = ["HF_LICENCES", "SIZE_CATEGORIES", "build_hf_card", "licences_markdown",
           "size_category"]

#: Hub licence ids we map SPDX ids to (lower-case SPDX id); anything else is "other".
HF_LICENCES = frozenset({
    "apache-2.0", "mit", "cc0-1.0", "cc-by-2.0", "cc-by-2.5", "cc-by-3.0", "cc-by-4.0",
    "cc-by-sa-3.0", "cc-by-sa-4.0", "cc-by-nc-2.0", "cc-by-nc-3.0", "cc-by-nc-4.0",
    "cc-by-nd-4.0", "cc-by-nc-nd-3.0", "cc-by-nc-nd-4.0", "cc-by-nc-sa-2.0", "cc-by-nc-sa-3.0",
    "cc-by-nc-sa-4.0", "odc-by", "odbl", "pddl",
})
#: The Hub's size categories (number of examples), smallest first.
SIZE_CATEGORIES = (
    (1e3, "n<1K"), (1e4, "1K<n<10K"), (1e5, "10K<n<100K"), (1e6, "100K<n<1M"),
    (1e7, "1M<n<10M"), (1e8, "10M<n<100M"), (1e9, "100M<n<1B"), (1e10, "1B<n<10B"),
    (1e11, "10B<n<100B"), (1e12, "100B<n<1T"),
)


def size_category(n: int) -> str:
    """Return the Hub size category of ``n`` examples."""
    return next((label for limit, label in SIZE_CATEGORIES if n < limit), "n>1T")


def _metadata(m: ModelInfo, d: ScanDigest) -> dict[str, Any]:
    known = [k for k in d.total.licences if k != "unknown"]
    hf = {k.lower() for k in known}
    meta: dict[str, Any] = {"pretty_name": f"{m.model.name} {m.model.version} training data"}
    if len(hf) == 1 and not d.total.licences.get("unknown") and hf <= HF_LICENCES:
        meta["license"] = next(iter(hf))
    else:
        meta.update(license="other", license_name="mixed-per-item", license_link="LICENSES.md")
    langs = sorted({k.split("-")[0] for k in d.total.languages})
    if langs:
        meta["language"] = langs
    meta["size_categories"] = [size_category(d.items)]
    sources = ["original"] if any(k in d.total.channels for k in ("provider_crawl", "synthetic",
                                                                   "user_data")) else []
    sources += [g.key for g in d.datasets if "public_dataset" in g.channels]
    meta["source_datasets"] = sources
    meta["tags"] = ["clearance", "training-data-transparency"]
    return meta


def licences_markdown(d: ScanDigest) -> str:
    """Return LICENSES.md: items per licence as the scan read them, per dataset."""
    lines = ["# Licences of the training data", "",
             "Licences as declared by the sources and recognised by clearance. `unknown` means "
             "no licence was recognised: such items must be presumed protected. Draft for "
             "counsel's review; not legal advice.", "", "| Dataset | Licence | Items |",
             "| --- | --- | --- |"]
    for g in d.datasets:
        for lic, n in sorted(g.licences.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"| {g.key} | {lic} | {n:,} |")
    return "\n".join(lines) + "\n"


def build_hf_card(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> str:
    """Return the dataset card (README.md text)."""
    meta = _metadata(m, d)
    head = yaml.safe_dump(meta, sort_keys=False, allow_unicode=True)
    t = d.total
    p = t.personal
    contact = m.provider.contact.text() if m.provider.contact else "not given in MODEL.yaml"
    rows = "\n".join(
        f"| {g.key} | {', '.join(sorted(g.channels))} | {count(g.items)} | "
        f"{human_bytes(g.bytes)} | {g.first} to {g.last} |" for g in d.datasets)
    gaps = "\n".join(f"- {g}" for g in d.gaps) or "- none"
    return f"""---
{head}---

# Dataset Card for {meta['pretty_name']}

> **Draft for counsel's review; not legal advice.** Written by clearance on {today.isoformat()}
> from a scan of the training data and the provider's MODEL.yaml.

## Dataset Details

### Dataset Description

The data {m.model.name} {m.model.version} was trained on: {count(d.items)} items
({human_bytes(d.bytes)}), modalities {modalities_text(t.modalities)}.

- **Curated by:** {m.provider.name}
- **Language(s):** {', '.join(meta.get('language', [])) or 'not recorded by the scan'}
- **License:** {meta['license']}{' (see LICENSES.md)' if meta['license'] == 'other' else ''}

### Dataset Sources

| Dataset | Channel | Items | Size | Collected |
| --- | --- | --- | --- | --- |
{rows}

## Uses

{m.model.intended_purpose or 'The intended purpose is not given in MODEL.yaml.'}

## Dataset Creation

### Source Data

#### Data Collection and Processing

{exclusion_text(d)} Processing steps: {'; '.join(s.step for s in m.processing) or 'none given'}.

#### Who are the source data producers?

By source category: {top_items(t.categories, 10, label=True)}.

#### Personal and Sensitive Information

{count(p['true'])} items are flagged as holding personal data, {count(p['false'])} as holding
none; {count(p['unknown'])} are not screened.

## Bias, Risks, and Limitations

What the scan could not establish:

{gaps}

## Dataset Card Contact

{contact}
"""
