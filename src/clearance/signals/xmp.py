# SPDX-License-Identifier: Apache-2.0
"""XMP packets: IPTC/PLUS ``plus:DataMining``, ``plus:OtherConstraints``, TDMRep, rights.

``plus:DataMining`` (IPTC Photo Metadata 2023.1, PLUS vocabulary) is read in attribute,
element and ``rdf:resource`` form, as a full URI, a bare ``DMI-`` token, a case variant or the
description text ExifTool prints. TDMRep's ``tdm:reservation``/``tdm:policy`` (PDF/EPUB
technique) are read with both namespace spellings. Copyright, creator and licence statements
become :class:`~clearance.models.RightsEvidence`, never reservations.

XML goes through defusedxml (no DTD, no entities) with a depth and element budget; a packet
it refuses is scanned as text for ``DMI-`` values, with lowered confidence.
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from datetime import datetime

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from clearance.models import RightsEvidence, Signal, SignalReport
from clearance.signals import tdmrep

__all__ = ["DATA_MINING", "MAX_XMP_BYTES", "data_mining_value", "find_packets", "parse_xmp"]

log = logging.getLogger(__name__)

MAX_XMP_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_ELEMENTS = 100_000
SPEC = "IPTC Photo Metadata 2023.1 (plus:DataMining)"
PLUS = "http://ns.useplus.org/ldf/xmp/1.0/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_TDM = ("http://www.w3.org/ns/tdmrep/", "http://www.w3.org/ns/tdmrep#")
_ALL5 = ("tdm", "ai_training", "genai_training", "ai_inference", "search")
_R, _N = "reserved", "not_reserved"
_SEE = tuple((p, _R) for p in _ALL5[:4])

#: PLUS DataMining token -> ((purpose, verdict), ...), confidence, note.
DATA_MINING: dict[str, tuple[tuple[tuple[str, str], ...], float, str]] = {
    "DMI-UNSPECIFIED": ((), 1.0, "unspecified: no prohibition defined"),
    "DMI-ALLOWED": (tuple((p, _N) for p in _ALL5), 1.0, "data mining allowed"),
    "DMI-PROHIBITED-AIMLTRAINING": (
        (("ai_training", _R), ("genai_training", _R)),
        1.0,
        "prohibited for AI/ML training",
    ),
    "DMI-PROHIBITED-GENAIMLTRAINING": (
        (("genai_training", _R),),
        1.0,
        "prohibited for generative AI/ML training",
    ),
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": (
        (*((p, _R) for p in _ALL5[:4]), ("search", _N)),
        1.0,
        "prohibited except for search engine indexing",
    ),
    "DMI-PROHIBITED": (tuple((p, _R) for p in _ALL5), 1.0, "prohibited"),
    "DMI-PROHIBITED-SEECONSTRAINT": (_SEE, 0.9, "prohibited, see plus:OtherConstraints"),
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": (
        _SEE,
        0.9,
        "prohibited, see Iptc4xmpExt:EmbdEncRightsExpr",
    ),
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": (
        _SEE,
        0.9,
        "prohibited, see Iptc4xmpExt:LinkedEncRightsExpr",
    ),
    # Values of the 2023 public draft, never final: read as legacy evidence.
    "DMI-ALLOWED-NOAITRAINING": (
        (("ai_training", _R), ("genai_training", _R)),
        0.7,
        "legacy draft value",
    ),
    "DMI-ALLOWED-NOAIGENTRAINING": ((("genai_training", _R),), 0.7, "legacy draft value"),
    "DMI-SEE-CONSTRAINT": (_SEE, 0.6, "legacy draft value"),
    "DMI-SEE-EMBEDDEDRIGHTSEXPR": (_SEE, 0.6, "legacy draft value"),
    "DMI-SEE-LINKEDRIGHTSEXPR": (_SEE, 0.6, "legacy draft value"),
}
_DESCRIPTIONS = {
    "unspecifiednoprohibitiondefined": "DMI-UNSPECIFIED",
    "unspecified": "DMI-UNSPECIFIED",
    "allowed": "DMI-ALLOWED",
    "prohibitedforaimltraining": "DMI-PROHIBITED-AIMLTRAINING",
    "prohibitedforgenerativeaimltraining": "DMI-PROHIBITED-GENAIMLTRAINING",
    "prohibitedexceptforsearchengineindexing": "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING",
    "prohibited": "DMI-PROHIBITED",
    "prohibitedseeplusotherconstraints": "DMI-PROHIBITED-SEECONSTRAINT",
    "prohibitedseeiptcextembdencrightsexpr": "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR",
    "prohibitedseeiptcextlinkedencrightsexpr": "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR",
}
_TOKEN = re.compile(r"DMI-[A-Za-z-]+", re.IGNORECASE)
#: (namespace, local name) -> RightsEvidence kind.
_EVIDENCE = {
    ("http://purl.org/dc/elements/1.1/", "rights"): "copyright",
    ("http://purl.org/dc/elements/1.1/", "creator"): "creator",
    ("http://ns.adobe.com/xap/1.0/rights/", "UsageTerms"): "usage_terms",
    ("http://ns.adobe.com/xap/1.0/rights/", "WebStatement"): "web_statement",
    ("http://ns.adobe.com/xap/1.0/rights/", "Marked"): "marked",
    ("http://ns.adobe.com/photoshop/1.0/", "Credit"): "credit",
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "EmbdEncRightsExpr"): "rights_expression",
    ("http://iptc.org/std/Iptc4xmpExt/2008-02-29/", "LinkedEncRightsExpr"): "rights_expression",
    ("http://creativecommons.org/ns#", "license"): "licence",
    (PLUS, "Licensor"): "licensor",
    (PLUS, "CopyrightOwner"): "copyright",
}
_WANTED = {
    (PLUS, "DataMining"),
    (PLUS, "OtherConstraints"),
    *((ns, n) for ns in _TDM for n in ("reservation", "policy")),
    *_EVIDENCE,
}


def data_mining_value(raw: str) -> str | None:
    """Return the canonical ``DMI-`` token for a URI, token or description; None if unknown."""
    text = raw.strip()
    m = _TOKEN.search(text)
    if m:
        token = m.group(0).upper().rstrip("-")
        return token if token in DATA_MINING else None
    key = re.sub(r"[^a-z]", "", text.lower())
    return _DESCRIPTIONS.get(key)


def find_packets(data: bytes, limit: int = 16) -> list[bytes]:
    """Return up to ``limit`` XMP packets (``x:xmpmeta``, else bare ``rdf:RDF``) in ``data``.

    A forward scan with ``bytes.find``: linear in the input, whatever it holds.
    """
    for opening, closing in ((b"<x:xmpmeta", b"</x:xmpmeta"), (b"<rdf:RDF", b"</rdf:RDF")):
        out: list[bytes] = []
        pos = 0
        while len(out) < limit:
            start = data.find(opening, pos)
            if start < 0:
                break
            end = data.find(closing, start)
            if end < 0:
                break
            close = data.find(b">", end)
            if close < 0:
                break
            out.append(data[start : close + 1])
            pos = close + 1
        if out:
            return out
    return []


def _split(tag: str) -> tuple[str, str]:
    if tag.startswith("{"):
        ns, _, local = tag[1:].partition("}")
        return ns, local
    return "", tag


def _walk(packet: bytes) -> Iterator[tuple[tuple[str, str], str]]:
    """Yield ((namespace, local name), value) for every wanted property; raise on bad XML."""
    stack: list[tuple[str, str]] = []
    collected: dict[int, list[str]] = {}
    count = 0
    for event, elem in iterparse(
        io.BytesIO(packet),
        events=("start", "end"),
        forbid_dtd=True,
        forbid_entities=True,
        forbid_external=True,
    ):
        if event == "start":
            count += 1
            if len(stack) >= MAX_DEPTH or count > MAX_ELEMENTS:
                raise ValueError(f"XMP deeper than {MAX_DEPTH} or over {MAX_ELEMENTS} elements")
            key = _split(elem.tag)
            stack.append(key)
            for attr, value in elem.attrib.items():
                akey = _split(attr)
                if akey in _WANTED:
                    yield akey, value
                elif akey == (RDF, "resource") and key in _WANTED:
                    yield key, value
            if key in _WANTED:
                collected[len(stack)] = []
            continue
        key = stack.pop()
        text = (elem.text or "").strip()
        if text:
            for depth in collected:
                if depth <= len(stack) + 1:
                    collected[depth].append(text)
        if key in _WANTED and len(stack) + 1 in collected:
            for value in collected.pop(len(stack) + 1):
                yield key, value
        elem.clear()


def parse_xmp(
    packet: bytes, *, where: str | None = None, observed_at: datetime | None = None
) -> SignalReport:
    """Return the signals and rights evidence of one XMP packet; never raises."""
    prefix = f"{where}#" if where else ""
    notes: list[str] = []
    problems = 0
    if len(packet) > MAX_XMP_BYTES:
        return SignalReport(
            source=prefix + "xmp",
            kind="xmp",
            problems=1,
            notes=(f"XMP packet over {MAX_XMP_BYTES} bytes: not read",),
        )
    found: list[tuple[tuple[str, str], str]] = []
    confidence = 1.0
    try:
        for item in _walk(packet):
            found.append(item)
            if len(found) > 1000:
                break
    except (DefusedXmlException, ValueError, SyntaxError, RecursionError) as exc:
        problems += 1
        confidence = 0.5
        notes.append(f"XMP not readable as XML ({type(exc).__name__}): scanned as text")
        text = packet.decode("utf-8", errors="replace")
        have = {data_mining_value(v) for k, v in found if k == (PLUS, "DataMining")}
        seen = {m.group(0) for m in _TOKEN.finditer(text)}
        found += [
            ((PLUS, "DataMining"), t) for t in sorted(seen) if data_mining_value(t) not in have
        ]
    signals: list[Signal] = []
    evidence: list[RightsEvidence] = []
    constraints = [v for k, v in found if k == (PLUS, "OtherConstraints")]
    for key, value in found:
        if key == (PLUS, "DataMining"):
            signals += _dmi(value, prefix, observed_at, confidence, constraints, notes)
        elif key[0] in _TDM and key[1] == "reservation":
            policies = [v for k, v in found if k[0] in _TDM and k[1] == "policy"]
            report = tdmrep.tdmrep_from_meta(
                [value], policies, location=prefix + "xmp:tdm:reservation", observed_at=observed_at
            )
            signals += report.signals
            notes += report.notes
            problems += report.problems
        elif key in _EVIDENCE and value.strip():
            evidence.append(
                RightsEvidence(
                    kind=_EVIDENCE[key],
                    value=value.strip()[:500],
                    source="xmp",
                    location=f"xmp:{key[1]}",
                )
            )
    problems += sum(1 for n in notes if n.startswith("unknown plus:DataMining"))
    return SignalReport(
        source=prefix + "xmp",
        kind="xmp",
        signals=tuple(signals),
        evidence=tuple(evidence),
        problems=problems,
        notes=tuple(notes),
    )


def _dmi(
    value: str,
    prefix: str,
    observed_at: datetime | None,
    confidence: float,
    constraints: list[str],
    notes: list[str],
) -> list[Signal]:
    token = data_mining_value(value)
    if token is None:
        notes.append(f"unknown plus:DataMining value {value[:80]!r}: unknown")
        return []
    mapping, weight, meaning = DATA_MINING[token]
    extra = [f"{token}: {meaning}"]
    if "CONSTRAINT" in token and constraints:
        extra.append("plus:OtherConstraints: " + " | ".join(c[:200] for c in constraints))
    if not mapping:
        notes.append(f"{token}: {meaning}")
    return [
        Signal(
            standard="xmp-iptc",
            purpose=purpose,
            verdict=verdict,
            location=prefix + "xmp:plus:DataMining",
            excerpt=value.strip()[:500],
            scope="item",
            observed_at=observed_at,
            confidence=round(confidence * weight, 3),
            spec_version=SPEC,
            notes=tuple(extra),
        )
        for purpose, verdict in mapping
    ]
