# SPDX-License-Identifier: Apache-2.0
"""C2PA / CAWG training-and-data-mining assertions, read with c2pa-python.

Labels ``cawg.training-mining`` (CAWG v1.1) and the legacy ``c2pa.training-mining`` (C2PA
1.x), with or without an instance suffix (``__1``). Entry keys ``cawg.*`` and ``c2pa.*``:
``data_mining`` -> tdm, ``ai_training`` (non-generative models) -> ai_training,
``ai_generative_training`` -> genai_training, ``ai_inference`` -> ai_inference. ``notAllowed``
and ``constrained`` (the spec: "in the absence of additional information ... equivalent to
notAllowed") are reserved; ``allowed`` is not reserved; absent keys stay unknown.

Remote manifests are never fetched. When c2pa-python is unavailable or refuses the file, a
lenient JUMBF scan (:mod:`clearance.signals.jumbf`) reports what it finds with confidence 0.5.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from clearance.models import Signal, SignalReport
from clearance.signals.jumbf import find_labelled_boxes

__all__ = ["LABELS", "read_c2pa", "training_mining_signals"]

log = logging.getLogger(__name__)

LABELS = ("cawg.training-mining", "c2pa.training-mining")
SPEC = "CAWG training-and-data-mining v1.1 (legacy C2PA 1.x c2pa.training-mining)"
_KEYS = {
    "data_mining": "tdm",
    "ai_training": "ai_training",
    "ai_generative_training": "genai_training",
    "ai_inference": "ai_inference",
}
_USE = {"allowed": "not_reserved", "notallowed": "reserved", "constrained": "reserved"}
_STATE_CONFIDENCE = {"trusted": 1.0, "valid": 0.9, "invalid": 0.6}


def _label_matches(label: str) -> bool:
    return any(label == w or label.startswith(w + "__") for w in LABELS)


def training_mining_signals(
    data: Any,
    *,
    label: str,
    location: str,
    observed_at: datetime | None = None,
    confidence: float = 1.0,
    notes: Sequence[str] = (),
) -> tuple[list[Signal], list[str]]:
    """Return (signals, problems) for one training-mining assertion's ``data``."""
    problems: list[str] = []
    if not isinstance(data, Mapping):
        return [], [f"{label}: assertion data is not a map"]
    entries = data.get("entries")
    extra = list(notes)
    if not isinstance(entries, Mapping):
        entries = {k: v for k, v in data.items() if k != "metadata"}
        extra.append("leniency: entries without the 'entries' wrapper (CAWG v1.0 CDDL)")
    out: list[Signal] = []
    for key, entry in entries.items():
        prefix, _, name = str(key).partition(".")
        purpose = _KEYS.get(name) if prefix in ("cawg", "c2pa") else None
        if purpose is None:
            extra.append(f"custom entry {str(key)[:60]!r} not mapped")
            continue
        use = entry.get("use") if isinstance(entry, Mapping) else None
        verdict = _USE.get(str(use).lower()) if use is not None else None
        if verdict is None:
            problems.append(
                f"{key}: use {str(use)[:40]!r} is not allowed/notAllowed/constrained: unknown"
            )
            continue
        note = [f"{key}: {use}"]
        if name == "ai_training":
            note.append("CAWG ai_training covers non-generative models")
        info = entry.get("constraint_info") or entry.get("constraints_info")
        if str(use).lower() == "constrained":
            note.append("constrained counts as notAllowed absent more information (CAWG)")
            if info:
                note.append(f"constraint_info: {str(info)[:300]}")
        out.append(
            Signal(
                standard="c2pa",
                purpose=purpose,
                verdict=verdict,
                location=location,
                excerpt=json.dumps({key: entry}, ensure_ascii=False, default=str)[:500],
                scope="item",
                observed_at=observed_at,
                confidence=round(confidence, 3),
                spec_version=SPEC,
                notes=tuple([*extra, *note]),
            )
        )
    return out, problems


def read_c2pa(
    data: bytes,
    *,
    mime: str | None = None,
    where: str | None = None,
    observed_at: datetime | None = None,
) -> SignalReport:
    """Return the training-mining signals of the C2PA manifests embedded in ``data``."""
    prefix = f"{where}#" if where else ""
    try:
        import c2pa as c2pa_lib  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - the dependency is declared; keep scans going
        return _lenient(data, prefix, observed_at, "c2pa-python not installed")
    try:
        settings = c2pa_lib.Settings.from_dict({"verify": {"remote_manifest_fetch": False}})
        with c2pa_lib.Context(settings) as ctx:
            reader = c2pa_lib.Reader.try_create(
                mime or "application/octet-stream", io.BytesIO(data), context=ctx
            )
            if reader is None:
                if b"jumb" in data:
                    return _lenient(
                        data,
                        prefix,
                        observed_at,
                        "c2pa-python found no manifest; JUMBF boxes present",
                    )
                return SignalReport(
                    source=prefix + "c2pa", kind="c2pa", notes=("no C2PA manifest",)
                )
            with reader:
                store = json.loads(reader.json())
    except Exception as exc:  # c2pa raises its own error classes for every bad input
        return _lenient(
            data, prefix, observed_at, f"c2pa-python could not read it ({type(exc).__name__})"
        )
    return _from_store(store, prefix, observed_at)


def _from_store(
    store: Mapping[str, Any], prefix: str, observed_at: datetime | None
) -> SignalReport:
    state = str(store.get("validation_state") or "")
    confidence = _STATE_CONFIDENCE.get(state.lower(), 0.7)
    notes = [f"validation_state: {state or 'not reported'}"]
    active = store.get("active_manifest")
    manifests = store.get("manifests") or {}
    signals: list[Signal] = []
    problems = 0
    for label, manifest in manifests.items() if isinstance(manifests, Mapping) else ():
        if not isinstance(manifest, Mapping):
            continue
        ingredient = label != active
        for assertion in manifest.get("assertions") or []:
            alabel = str(assertion.get("label", "")) if isinstance(assertion, Mapping) else ""
            if not _label_matches(alabel):
                continue
            found, bad = training_mining_signals(
                assertion.get("data"),
                label=alabel,
                location=f"{prefix}c2pa:{label}/{alabel}",
                observed_at=observed_at,
                confidence=confidence * (0.7 if ingredient else 1.0),
                notes=[
                    f"manifest {label}" + (" (ingredient)" if ingredient else " (active)"),
                    f"validation_state: {state or 'not reported'}",
                ],
            )
            signals += found
            problems += len(bad)
            notes += bad
    if not signals:
        notes.append("no training-mining assertion")
    return SignalReport(
        source=prefix + "c2pa",
        kind="c2pa",
        signals=tuple(signals),
        problems=problems,
        notes=tuple(notes),
    )


def _lenient(data: bytes, prefix: str, observed_at: datetime | None, why: str) -> SignalReport:
    notes = [why, "lenient JUMBF scan: signatures and hashes not checked"]
    signals: list[Signal] = []
    problems = 1
    for label, content, problem in find_labelled_boxes(data, LABELS):
        if problem:
            problems += 1
            notes.append(f"{label}: {problem}")
            continue
        found, bad = training_mining_signals(
            content,
            label=label,
            location=f"{prefix}c2pa:jumbf/{label}",
            observed_at=observed_at,
            confidence=0.5,
            notes=["lenient JUMBF scan"],
        )
        signals += found
        problems += len(bad)
        notes += bad
    return SignalReport(
        source=prefix + "c2pa",
        kind="c2pa",
        signals=tuple(signals),
        problems=problems,
        notes=tuple(notes),
    )
