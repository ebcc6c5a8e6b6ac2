# SPDX-License-Identifier: Apache-2.0
"""CycloneDX 1.6 ML-BOM: the model and one ``data`` component per training dataset.

Each dataset component carries its licences as declared by the sources (SPDX ids where the
scan recognised one, names otherwise), a ``componentData`` entry (type ``dataset``, owner as
governance, personal-data flags as ``sensitiveData``) and clearance's counts as properties.
The model's ``modelCard.modelParameters.datasets`` references them. Valid per
``cyclonedx-python-lib``'s JSON validator for 1.6 (tests).
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from clearance.disclose.croissant import licence_url
from clearance.disclose.digest import Group, ScanDigest
from clearance.disclose.facts_text import count, top_items
from clearance.disclose.model_info import ModelInfo

__all__ = ["build_cyclonedx"]

_NOTICE = "Draft for counsel's review; not legal advice."


def _licences(g: Group) -> list[dict[str, Any]]:
    out = []
    for lic in sorted(g.licences):
        if lic == "unknown":
            continue
        if licence_url(lic):
            out.append({"license": {"id": lic, "acknowledgement": "declared"}})
        else:
            out.append({"license": {"name": lic, "acknowledgement": "declared"}})
    return out


def _component(m: ModelInfo, d: ScanDigest, g: Group) -> dict[str, Any]:
    info = m.dataset(g.key)
    ref = f"dataset:{g.key}"
    data: dict[str, Any] = {
        "type": "dataset",
        "name": info.public_name if info and info.public_name else g.key,
        "description": (f"{count(g.items)} items; modalities: {top_items(g.modalities, 5)}; "
                        f"collected {g.first} to {g.last}."),
        "classification": ", ".join(sorted(g.channels)),
    }
    if info and info.url:
        data["contents"] = {"url": info.url}
    if info and info.owner:
        data["governance"] = {"owners": [{"organization": {"name": info.owner[:200]}}]}
    p = g.personal
    sensitive = []
    if p["true"]:
        sensitive.append(f"personal data: {count(p['true'])} items flagged")
    if p["unknown"]:
        sensitive.append(f"personal data: {count(p['unknown'])} items not screened")
    if sensitive:
        data["sensitiveData"] = sensitive
    comp: dict[str, Any] = {
        "type": "data",
        "bom-ref": ref,
        "name": g.key,
        "data": [data],
        "properties": [
            {"name": "clearance:items", "value": str(g.items)},
            {"name": "clearance:bytes", "value": str(g.bytes)},
            {"name": "clearance:acquisition_channel", "value": ", ".join(sorted(g.channels))},
            {"name": "clearance:licences", "value": top_items(g.licences, 20)},
        ],
    }
    if g.versions:
        comp["version"] = ", ".join(g.versions)
    licences = _licences(g)
    if licences:
        comp["licenses"] = licences
    return comp


def build_cyclonedx(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> dict[str, Any]:
    """Return the CycloneDX 1.6 BOM (a JSON-ready dict)."""
    components = [_component(m, d, g) for g in d.datasets]
    refs = [c["bom-ref"] for c in components]
    seed = f"{m.provider.name}|{m.model.name}|{m.model.version}|{d.facts_sha256}"
    model: dict[str, Any] = {
        "type": "machine-learning-model",
        "bom-ref": "model",
        "name": m.model.name,
        "version": m.model.version,
        "manufacturer": {"name": m.provider.name},
        "modelCard": {"modelParameters": {"datasets": [{"ref": r} for r in refs]}},
    }
    if m.model.description:
        model["description"] = m.model.description
    tool = str(d.provenance.get("tool_version", "unknown"))
    return {
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, seed)}",
        "version": 1,
        "metadata": {
            "timestamp": f"{today.isoformat()}T00:00:00Z",
            "tools": {"components": [{"type": "application", "name": "clearance",
                                      "version": tool}]},
            "component": model,
            "properties": [{"name": "clearance:notice", "value": _NOTICE},
                           {"name": "clearance:facts_sha256", "value": d.facts_sha256}],
        },
        "components": components,
        "dependencies": [{"ref": "model", "dependsOn": refs}] + [{"ref": r} for r in refs],
    }
