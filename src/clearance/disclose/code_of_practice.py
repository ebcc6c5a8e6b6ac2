# SPDX-License-Identifier: Apache-2.0
"""GPAI Code of Practice, copyright chapter: a checklist of Measures 1.1-1.5 with evidence.

For each measure: what the scan shows (policy applied, robots.txt and other reservations read
and honoured, piracy sources excluded, access, takedowns), what MODEL.yaml states (policy link,
crawlers, output safeguards, complaint contact) and what is missing. The Code is voluntary;
the checklist shows what a signatory could point to, not that the measure is met.
"""

from __future__ import annotations

import datetime as dt

from clearance.disclose.digest import ScanDigest
from clearance.disclose.document import Answer, Document, Gap, Section
from clearance.disclose.eu_processing import CAUSE_TEXT, exclusion_text
from clearance.disclose.facts_text import count, top_items
from clearance.disclose.model_info import ModelInfo
from clearance.disclose.sources import sources

__all__ = ["MEASURES", "build_code_of_practice"]

MEASURES = {
    "1.1": "Draw up, keep up-to-date and implement a copyright policy",
    "1.2": "Reproduce and extract only lawfully accessible copyright-protected content when "
           "crawling the World Wide Web",
    "1.3": "Identify and comply with rights reservations when crawling the World Wide Web",
    "1.4": "Mitigate the risk of copyright-infringing outputs",
    "1.5": "Designate a point of contact and enable the lodging of complaints",
}


def _measure(s: Section, status: str, evidence: str, missing: list[str]) -> None:
    s.add(Answer("Status", status, "tool"))
    s.add(Answer("Evidence", evidence or "None from the scan or MODEL.yaml.", "scan + MODEL.yaml"))
    if missing:
        for item in missing:
            s.add(Answer("Missing", Gap(item), "checklist"))
    else:
        s.add(Answer("Missing", "Nothing the checklist can see.", "checklist"))


def _status(missing: list[str], evidence: bool) -> str:
    if not evidence:
        return "no evidence"
    return "partly evidenced" if missing else "evidenced"


def build_code_of_practice(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> Document:
    """Return the Code of Practice copyright-chapter checklist."""
    p = m.provider
    signed = {True: "yes", False: "no", None: "not stated"}[p.code_of_practice_signatory]
    doc = Document(
        title="GPAI Code of Practice, Copyright chapter: evidence checklist",
        subtitle=f"{m.model.name} {m.model.version}, provider {p.name}; signatory: {signed}",
        header=[("Prepared", today.isoformat()),
                ("Training set", f"{count(d.items)} of {count(d.items_scanned)} scanned items")],
    )
    s = doc.section("1", "Commitment 1: copyright policy")
    prov = d.provenance

    s11 = s.sub("1.1", MEASURES["1.1"])
    missing = [] if p.copyright_policy_url else [
        "provider.copyright_policy_url: no copyright policy document is linked in MODEL.yaml."]
    ev = []
    if prov.get("policy"):
        ev.append(f"The scan applied the sourcing policy '{prov['policy']}'"
                  + (f" (digest {str(prov['policy_digest'])[:16]}…)" if prov.get(
                      "policy_digest") else "") + " to every item.")
    if p.copyright_policy_url:
        ev.append(f"Copyright policy: {p.copyright_policy_url}.")
    _measure(s11, _status(missing, bool(ev)), " ".join(ev), missing)

    s12 = s.sub("1.2", MEASURES["1.2"])
    access = d.access
    circumvented = d.trained_despite.get("access_circumvented", 0)
    piracy_out = d.excluded.get("piracy_source", 0)
    piracy_in = d.trained_despite.get("piracy_source", 0)
    ev12 = (f"Access of training items: {top_items(access, 4)}. "
            f"{count(piracy_out)} items from piracy or shadow-library blocklists were left out; "
            f"{count(piracy_in)} remain in the training set.")
    missing = []
    if circumvented:
        missing.append(f"{count(circumvented)} training items were obtained by circumventing a "
                       "technical measure.")
    if piracy_in:
        missing.append(f"{count(piracy_in)} training items come from listed piracy sources.")
    if access.get("unknown"):
        missing.append(f"{count(access['unknown'])} training items have no recorded access "
                       "(not fetched from a public URL).")
    missing.append("The EU list of websites recognised as persistently infringing is not loaded "
                   "by the scan (the shipped blocklists stand in for it).")
    _measure(s12, _status(missing, True), ev12, missing)

    s13 = s.sub("1.3", MEASURES["1.3"])
    read = d.signals.get("standards") or {}
    ev13 = []
    if "robots.txt" in read:
        ev13.append(f"robots.txt was read per RFC 9309 for {count(read['robots.txt'])} hosts.")
    others = {k: v for k, v in read.items() if k != "robots.txt"}
    if others:
        ev13.append(f"Other protocols read (hosts): {top_items(others, 8)}.")
    ev13.append(exclusion_text(d))
    missing = []
    if "robots.txt" not in read:
        missing.append("The scan holds no robots.txt readings.")
    kept = d.trained_despite.get("machine_readable_reservation", 0)
    if kept:
        cause = CAUSE_TEXT["machine_readable_reservation"]
        missing.append(f"{count(kept)} training items carry {cause}.")
    if not m.crawlers or not any(c.user_agent for c in m.crawlers):
        missing.append("crawlers[].user_agent: rightsholders must be able to learn which "
                       "crawlers are used; none is named in MODEL.yaml.")
    else:
        ev13.append("Crawlers named: " + "; ".join(
            f"{c.name} ({c.user_agent})" for c in m.crawlers if c.user_agent) + ".")
    _measure(s13, _status(missing, True), " ".join(ev13), missing)

    s14 = s.sub("1.4", MEASURES["1.4"])
    ev14 = []
    if m.output_safeguards:
        ev14.append(f"Output safeguards: {m.output_safeguards}")
    if m.acceptable_use_policy_url:
        ev14.append(f"Terms or acceptable-use policy: {m.acceptable_use_policy_url}.")
    missing = []
    if not m.output_safeguards:
        missing.append("output_safeguards: no technical safeguard against infringing outputs is "
                       "stated in MODEL.yaml (clearance redteam can measure regurgitation).")
    if not m.acceptable_use_policy_url:
        missing.append("acceptable_use_policy_url: no terms prohibiting infringing uses are "
                       "linked in MODEL.yaml.")
    _measure(s14, _status(missing, bool(ev14)), " ".join(ev14), missing)

    s15 = s.sub("1.5", MEASURES["1.5"])
    ev15 = []
    if p.complaints_contact:
        ev15.append(f"Point of contact: {p.complaints_contact}.")
    if p.complaints_url:
        ev15.append(f"Complaints: {p.complaints_url}.")
    take_out = d.excluded.get("takedown_request", 0)
    take_in = d.trained_despite.get("takedown_request", 0)
    ev15.append(f"Takedown ledger: {count(take_out)} items under open requests were left out; "
                f"{count(take_in)} remain in the training set.")
    missing = []
    if not p.complaints_contact and not p.complaints_url:
        missing.append("provider.complaints_contact / complaints_url: no electronic point of "
                       "contact for rightsholders is given in MODEL.yaml.")
    if take_in:
        missing.append(f"{count(take_in)} training items are under open takedown requests.")
    _measure(s15, _status(missing, True), " ".join(ev15), missing)

    doc.extra_gaps = list(d.gaps)
    doc.method = [
        "Evidenced: the scan or MODEL.yaml shows what the measure asks and nothing the checklist "
        "can see contradicts it. Partly evidenced: something is missing or contradicts it.",
        "The checklist does not decide whether a measure is met: that is for counsel.",
    ]
    doc.sources = sources("code-of-practice-copyright", "rfc9309")
    return doc
