# SPDX-License-Identifier: Apache-2.0
"""Section 3 of the EU summary (data processing), from the scan's signal evidence and MODEL.yaml.

3.1 says which reservation standards the scan read, for how many hosts and over which
captures, how many items were found reserved and how many were left out of the training set
for each cause; 3.2 lists the provider's illegal-content measures and the piracy-blocklist
exclusions the scan made; 3.3 lists the other processing steps MODEL.yaml names.
"""

from __future__ import annotations

from clearance.disclose.digest import ScanDigest
from clearance.disclose.document import Answer, Document, Gap
from clearance.disclose.facts_text import count, listing, top_items
from clearance.disclose.model_info import ModelInfo

__all__ = ["CAUSE_TEXT", "exclusion_text", "processing_sections", "reservation_text"]

#: How each exclusion cause of the digest reads in a sentence.
CAUSE_TEXT = {
    "machine_readable_reservation": "a machine-readable reservation of rights before collection",
    "other_reservation": "a reservation in another form (natural language or contested)",
    "reserved_since_collection": "a reservation made after the item was collected",
    "piracy_source": "a source on a piracy or shadow-library blocklist",
    "takedown_request": "an open takedown or opt-out request",
    "licence_forbids": "a licence that does not permit the use",
    "access_circumvented": "access that circumvented a technical measure",
    "no_reservation_evidence": "no evidence either way about a reservation",
}


def exclusion_text(d: ScanDigest) -> str:
    """Return what was left out of the training set, and why (causes may overlap)."""
    if d.tiers_used is None:
        return "No item was left out: the training set is every scanned item."
    causes = [f"{count(n)} for {CAUSE_TEXT[k]}" for k, n in d.excluded.items() if n]
    text = (f"{count(d.excluded_total)} of {count(d.items_scanned)} scanned items were left out "
            f"of the training set (policy tiers not used: "
            f"{listing(sorted(set(d.by_tier) - set(d.tiers_used))) or 'none'}).")
    if causes:
        text += " Among them (an item may have several causes): " + "; ".join(causes) + "."
    return text


def reservation_text(d: ScanDigest) -> str:
    """Return which reservation standards were read, how widely, and what was found."""
    sig = d.signals
    parts = []
    if sig.get("standards"):
        parts.append(
            f"The scan read the reservations of {count(sig.get('hosts', 0))} hosts from "
            f"captures dated {sig.get('first_capture')} to {sig.get('last_capture')}: "
            f"{top_items(sig['standards'], 10)} (hosts with a reading per standard). robots.txt "
            "is read per RFC 9309 for every registered AI-training crawler; each item is judged "
            "on the capture that stood when it was collected."
        )
    else:
        parts.append("The scan holds no opt-out signal readings (signals.parquet is absent or "
                     "empty).")
    found = d.reserved_in_scan
    parts.append(
        f"Across the scan, {count(found['machine_readable_reservation'])} items were reserved in "
        f"machine-readable form before collection, {count(found['other_reservation'])} in "
        f"another form, and {count(found['reserved_since_collection'])} became reserved after "
        f"collection; {count(found['no_reservation_evidence'])} had no evidence either way."
    )
    if d.standards_in_scan:
        parts.append("Standards that carried the reservations found (items): "
                     f"{top_items(d.standards_in_scan, 10)}.")
    parts.append(exclusion_text(d))
    kept = d.trained_despite
    flags = [f"{count(n)} with {CAUSE_TEXT[k]}" for k, n in kept.items()
             if n and k in ("machine_readable_reservation", "piracy_source", "takedown_request",
                            "access_circumvented")]
    if flags:
        parts.append("WARNING for counsel: the training set still holds " + "; ".join(flags) +
                     ".")
    if kept.get("no_reservation_evidence"):
        parts.append(f"{count(kept['no_reservation_evidence'])} training items had no captured "
                     "evidence either way about a reservation.")
    return " ".join(parts)


def processing_sections(doc: Document, m: ModelInfo, d: ScanDigest) -> None:
    """Append section 3 (3.1, 3.2, 3.3) to the EU summary."""
    s3 = doc.section("3", "Data processing aspects")
    s31 = s3.sub("3.1", "Respect of reservation of rights from text and data mining exception "
                 "or limitation")
    signatory = m.provider.code_of_practice_signatory
    s31.add(Answer("Are you a Signatory to the Code of Practice for general-purpose AI models "
                   "that includes commitments to respect reservations of rights from the TDM "
                   "exception or limitation?",
                   ("Yes" if signatory else "No") if signatory is not None else Gap(
                       "provider.code_of_practice_signatory is not given in MODEL.yaml."),
                   "MODEL.yaml"))
    crawler_note = "".join(f" {c.name}: {c.behaviour}" for c in m.crawlers if c.behaviour)
    s31.add(Answer("Measures implemented before model training to respect reservations of "
                   "rights, including the opt-out protocols honoured",
                   reservation_text(d) + crawler_note, "scan + MODEL.yaml"))
    s31.add(Answer("Additional comments",
                   f"Copyright policy: {m.provider.copyright_policy_url}."
                   if m.provider.copyright_policy_url else
                   "No public copyright policy is linked in MODEL.yaml.", "MODEL.yaml"))
    s32 = s3.sub("3.2", "Removal of illegal content")
    piracy = d.excluded.get("piracy_source", 0)
    scan_part = (f" The scan left out {count(piracy)} items from sources on piracy or "
                 "shadow-library blocklists.") if piracy else ""
    measures = "; ".join(x.rstrip(". ") for x in m.illegal_content_measures)
    s32.add(Answer("General description of measures taken", (measures + "." + scan_part)
                   if measures else Gap("illegal_content_measures is not given in MODEL.yaml "
                                        "(e.g. CSAM hash matching, classifiers)." + scan_part),
                   "MODEL.yaml + scan"))
    s33 = s3.sub("3.3", "Other information (optional)")
    steps = [p.step.rstrip(". ") + (f" (purpose: {p.purpose.rstrip('. ')})" if p.purpose else "")
             for p in m.processing]
    text = "; ".join(steps)
    if m.other_processing:
        text = (text + "; " if text else "") + m.other_processing
    s33.add(Answer("Other relevant information about data processing",
                   text + "." if text else "None given.", "MODEL.yaml"))
