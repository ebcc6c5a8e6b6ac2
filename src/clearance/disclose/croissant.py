# SPDX-License-Identifier: Apache-2.0
"""Croissant 1.1 JSON-LD of the training set, with the Responsible AI (RAI) fields.

The dataset is described as a whole (name, creator, licences, languages, dates) and its one
distribution is the scan's ``facts.parquet`` (the item list with provenance), with its SHA-256.
RAI fields carry the collection (channels, timeframe, raw sources), preprocessing (the policy
tiers and MODEL.yaml's steps) and personal information; fields nobody knows are left out
rather than filled. Valid per ``mlcroissant`` (tests).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from clearance.disclose.digest import ScanDigest
from clearance.disclose.eu_processing import exclusion_text
from clearance.disclose.facts_text import count, top_items
from clearance.disclose.model_info import ModelInfo

__all__ = ["CONTEXT", "build_croissant", "licence_url"]

#: The Croissant 1.1 JSON-LD context (as mlcroissant writes it for 1.1), plus PROV-O.
CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "sc": "https://schema.org/",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "dct": "http://purl.org/dc/terms/", "prov": "http://www.w3.org/ns/prov#",
    "arrayShape": "cr:arrayShape", "isArray": "cr:isArray",
    "description": {"@container": "@language"}, "name": {"@container": "@language"},
    "equivalentProperty": "cr:equivalentProperty",
    "citeAs": "cr:citeAs", "column": "cr:column", "conformsTo": "dct:conformsTo",
    "containedIn": "cr:containedIn", "data": {"@id": "cr:data", "@type": "@json"},
    "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "examples": {"@id": "cr:examples", "@type": "@json"}, "extract": "cr:extract",
    "field": "cr:field", "fileObject": "cr:fileObject", "fileProperty": "cr:fileProperty",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key",
    "md5": "cr:md5", "parentField": "cr:parentField", "path": "cr:path",
    "recordSet": "cr:recordSet", "references": "cr:references", "regex": "cr:regex",
    "repeated": "cr:repeated", "replace": "cr:replace", "samplingRate": "cr:samplingRate",
    "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform",
}

#: Channel -> Croissant RAI's recommended dataCollectionType values.
COLLECTION_TYPES = {
    "provider_crawl": "Web Scraping",
    "public_dataset": "Secondary Data analysis",
    "licensed": "Secondary Data analysis",
    "private_third_party": "Secondary Data analysis",
    "user_data": "User-generated content data",
    "synthetic": "Software Collection",
    "other": "Others",
}


def licence_url(licence_id: str) -> str | None:
    """Return the SPDX licence-list URL for an SPDX id, None for our own states and refs."""
    if licence_id in ("unknown", "all-rights-reserved", "public-domain", "tos-prohibits-ml") or \
            licence_id.startswith("LicenseRef-"):
        return None
    return f"https://spdx.org/licenses/{licence_id}.html"


def build_croissant(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> dict[str, Any]:
    """Return the Croissant 1.1 document (a JSON-ready dict)."""
    total = d.total
    licences = sorted({u for k in total.licences if (u := licence_url(k))})
    doc: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": f"{m.model.name} {m.model.version} training data",
        "description": (
            f"The training set of {m.model.name} {m.model.version} as scanned by clearance: "
            f"{count(d.items)} items in {count(len(d.datasets))} datasets. Draft for counsel's "
            "review; not legal advice."),
        "creator": {"@type": "sc:Organization", "name": m.provider.name},
        "datePublished": today.isoformat(),
        "version": "1.0.0",
        "citeAs": f"{m.provider.name}. {m.model.name} {m.model.version} training data. "
                  f"{today.year}.",
        "license": licences or ["https://spdx.org/licenses/"],
        "keywords": sorted({g.key for g in d.modalities if g.key != "unknown"}),
        "distribution": [{
            "@type": "cr:FileObject", "@id": "facts.parquet", "name": "facts.parquet",
            "description": "One row per item: URL, domain, dataset, licence, collection date, "
                           "opt-out evidence (clearance scan output).",
            "contentUrl": "facts.parquet", "encodingFormat": "application/x-parquet",
            "sha256": d.facts_sha256,
        }],
        "rai:dataCollection": (
            "Items by acquisition channel: " + top_items(total.channels, 8) + ". "
            + exclusion_text(d)),
        "rai:dataCollectionType": sorted({COLLECTION_TYPES.get(k, "Others")
                                          for k in total.channels}),
        "rai:dataCollectionRawData": "; ".join(
            f"{_public_name(m, g.key)} ({count(g.items)} items)" for g in d.datasets),
    }
    if total.languages:
        doc["inLanguage"] = sorted(total.languages)
    if m.provider.contact and m.provider.contact.url:
        doc["url"] = m.provider.contact.url
    if total.first and total.last:
        doc["rai:dataCollectionTimeFrame"] = [f"{total.first}T00:00:00", f"{total.last}T00:00:00"]
    steps = [p.step for p in m.processing]
    steps.append(f"Policy tiers used for training: "
                 f"{', '.join(d.tiers_used) if d.tiers_used else 'all items'}.")
    doc["rai:dataPreprocessingProtocol"] = steps
    pers = total.personal
    doc["rai:personalSensitiveInformation"] = [
        f"{count(pers['true'])} items flagged as holding personal data, "
        f"{count(pers['false'])} flagged as holding none, {count(pers['unknown'])} not screened."]
    if d.gaps:
        doc["rai:dataCollectionMissingData"] = " ".join(d.gaps)
    return doc


def _public_name(m: ModelInfo, key: str) -> str:
    info = m.dataset(key)
    return info.public_name if info is not None and info.public_name else key
