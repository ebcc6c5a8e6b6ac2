# SPDX-License-Identifier: Apache-2.0
"""California AB 2013 (Civ. Code § 3111): the twelve items of the high-level dataset summary.

One section per item (a)(1)-(a)(12), each answered per dataset of the training set from the
scan (sources, counts, types, licences, personal data, dates, synthetic data) and MODEL.yaml
(purposes, purchase or licence, aggregate consumer information, first use, processing).
"""

from __future__ import annotations

import datetime as dt

from clearance.disclose.digest import PUBLIC_DOMAIN_IDS, Group, ScanDigest
from clearance.disclose.document import Answer, Document, Gap, Table
from clearance.disclose.eu_processing import exclusion_text
from clearance.disclose.facts_text import count, modalities_text, size_text, top_items
from clearance.disclose.model_info import ModelInfo
from clearance.disclose.sources import sources

__all__ = ["ITEMS", "build_ab2013", "copyright_status"]

#: § 3111(a) items, in the statute's words ((10)-(12) in substance: see docs/disclosures.md).
ITEMS = {
    1: "The sources or owners of the datasets.",
    2: "A description of how the datasets further the intended purpose of the artificial "
       "intelligence system or service.",
    3: "The number of data points included in the datasets, which may be in general ranges, "
       "and with estimated figures for dynamic datasets.",
    4: "A description of the types of data points within the datasets.",
    5: "Whether the datasets include any data protected by copyright, trademark, or patent, or "
       "whether the datasets are entirely in the public domain.",
    6: "Whether the datasets were purchased or licensed by the developer.",
    7: "Whether the datasets include personal information, as defined in subdivision (v) of "
       "Section 1798.140.",
    8: "Whether the datasets include aggregate consumer information, as defined in "
       "subdivision (b) of Section 1798.140.",
    9: "Whether there was any cleaning, processing, or other modification to the datasets by "
       "the developer, including the intended purpose of those efforts.",
    10: "The time period during which the data in the datasets were collected, including a "
        "notice if the data collection is ongoing.",
    11: "The dates the datasets were first used during the development of the system or service.",
    12: "Whether the system or service used or continuously uses synthetic data generation in "
        "its development.",
}


def copyright_status(g: Group) -> str:
    """Return (a)(5) for one dataset, from the licence statements the scan read."""
    pd = sum(n for k, n in g.licences.items() if k in PUBLIC_DOMAIN_IDS)
    unknown = g.licences.get("unknown", 0)
    rights = g.items - pd - unknown
    if pd == g.items:
        return ("Entirely in the public domain according to the licence statements read "
                f"({count(pd)} items with a public-domain mark or dedication).")
    parts = []
    if rights:
        parts.append(f"Yes: {count(rights)} items carry a licence or rights statement that "
                     "presupposes copyright")
    if unknown:
        parts.append(f"{count(unknown)} items state no recognised licence and must be presumed "
                     "protected")
    if pd:
        parts.append(f"{count(pd)} items are marked public domain or dedicated to it")
    return "; ".join(parts) + ". Trademark and patent status is not recorded by the scan."


def _name(m: ModelInfo, g: Group) -> str:
    info = m.dataset(g.key)
    return info.public_name if info and info.public_name else g.key


def _per_dataset(m: ModelInfo, d: ScanDigest, item: int, g: Group) -> str | Gap:
    info = m.dataset(g.key)
    channel = next(iter(g.channels), "unknown")
    if item == 1:
        if info and info.owner:
            return info.owner
        if channel == "provider_crawl":
            return f"Crawled by the developer from {count(len(d.domains.domains))} websites."
        return Gap(f"datasets[{g.key}].owner is not given in MODEL.yaml.")
    if item == 2:
        return info.purpose if info and info.purpose else Gap(
            f"datasets[{g.key}].purpose is not given in MODEL.yaml.")
    if item == 3:
        return f"{size_text(g)} (one data point = one item of the manifest)."
    if item == 4:
        labels = f" Labels: {info.labels}." if info and info.labels else ""
        return (f"{modalities_text(g.modalities)}; by source category: "
                f"{top_items(g.categories, 5, label=True)}.{labels}")
    if item == 5:
        return copyright_status(g)
    if item == 6:
        if info and info.purchased_or_licensed is not None:
            return "Yes" if info.purchased_or_licensed else "No"
        if channel == "licensed":
            return "Yes (acquisition channel: licensed)."
        return Gap(f"datasets[{g.key}].purchased_or_licensed is not given in MODEL.yaml.")
    if item == 7:
        p = g.personal
        if p["true"]:
            return f"Yes: {count(p['true'])} items are flagged as holding personal data" + (
                f"; {count(p['unknown'])} are not screened." if p["unknown"] else ".")
        if p["unknown"]:
            return Gap(f"{count(p['unknown'])} of {count(g.items)} items are not screened for "
                       "personal information (manifest column 'personal_data').")
        return "No: every item is flagged as holding no personal data."
    if item == 8:
        if info and info.aggregate_consumer_information is not None:
            return "Yes" if info.aggregate_consumer_information else "No"
        return Gap(f"datasets[{g.key}].aggregate_consumer_information is not given in "
                   "MODEL.yaml.")
    if item == 10:
        ongoing = m.training.collection_ongoing
        tail = "" if ongoing is None else (" Collection is ongoing." if ongoing else
                                           " Collection has ended.")
        return (f"{g.first} to {g.last}.{tail}" if g.first else
                Gap("the scan has no collection dates for this dataset."))
    if item == 11:
        if info and info.first_used:
            return info.first_used.isoformat()
        return Gap(f"datasets[{g.key}].first_used is not given in MODEL.yaml.")
    raise ValueError(item)


def build_ab2013(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> Document:
    """Return the AB 2013 training-data documentation draft."""
    doc = Document(
        title="Training Data Documentation (California Civil Code § 3111)",
        subtitle=f"{m.model.name} {m.model.version}, developer {m.provider.name}",
        header=[("Prepared", today.isoformat()),
                ("Made publicly available to Californians",
                 m.model.released_in_california.isoformat() if m.model.released_in_california
                 else "GAP: model.released_in_california not given"),
                ("Datasets", f"{count(len(d.datasets))} ({count(d.items)} items)")],
    )
    s = doc.section("(a)", "High-level summary of the datasets used in development")
    for item in range(1, 13):
        sub = s.sub(f"({item})", ITEMS[item])
        if item == 9:
            steps = [p.step.rstrip(". ") + (f" (purpose: {p.purpose.rstrip('. ')})"
                                            if p.purpose else "") for p in m.processing]
            text = "Yes. " + "; ".join(steps) + "." if steps else ""
            text += " " + exclusion_text(d)
            sub.add(Answer("Cleaning, processing or other modification", text.strip(),
                           "MODEL.yaml + scan"))
            continue
        if item == 12:
            syn = d.channel("synthetic")
            gens = ", ".join(g.name for g in m.synthetic_generators)
            sub.add(Answer("Synthetic data generation", (
                f"Yes: {size_text(syn)} generated" + (f" with {gens}" if gens else "") + "."
                if syn else "No synthetic items in the training set."), "scan"))
            continue
        rows: list[list[str]] = []
        for g in d.datasets:
            value = _per_dataset(m, d, item, g)
            if isinstance(value, Gap):
                sub.add(Answer(_name(m, g), value, "MODEL.yaml" if item in (1, 2, 6, 8, 11)
                               else "scan"))
            else:
                rows.append([_name(m, g), value])
        if rows:
            sub.add(Table(["Dataset", "Answer"], rows))
    doc.extra_gaps = list(d.gaps)
    doc.method = [
        "Each dataset is a dataset_name of the scan; items are counted over the training set "
        "(the policy tiers MODEL.yaml names).",
        "(a)(5) rests on the licence statements the scan read: an item without a recognised "
        "licence is presumed protected, never public domain.",
        "(a)(7) uses the manifest's personal_data flags only; nothing is inferred from content.",
        "Exemptions in § 3111(b) (security and integrity, aircraft operation, national security "
        "for federal entities only) are not assessed: counsel must confirm none applies.",
    ]
    doc.sources = sources("ab2013")
    return doc
