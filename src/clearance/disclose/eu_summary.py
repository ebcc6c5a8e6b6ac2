# SPDX-License-Identifier: Apache-2.0
"""EU AI Act Art. 53(1)(d): the public summary of training content, in the template's order.

Sections and questions follow the Commission's template (C(2025) 8311; first published 24 Jul
2025): 1 general information, 2 list of data sources (2.1-2.6), 3 data processing (3.1-3.3).
Each answer comes from the scan (counted over the training set), from MODEL.yaml, or is a gap.
Section 1 and 3 sections that need provider knowledge are gaps when MODEL.yaml is silent.
"""

from __future__ import annotations

import datetime as dt

from clearance.disclose.digest import ScanDigest
from clearance.disclose.document import Answer, Document, Gap, Para, Section, Table
from clearance.disclose.eu_processing import processing_sections
from clearance.disclose.facts_text import (
    SIZE_BANDS,
    count,
    listing,
    modalities_text,
    month,
    period,
    size_band,
    size_text,
    template_modality,
    top_items,
)
from clearance.disclose.model_info import ModelInfo
from clearance.disclose.sources import sources

__all__ = ["build_eu_summary", "provenance_text"]

SCAN = "scan"
MODEL = "MODEL.yaml"


def _yes_no(n: int) -> str:
    return "Yes" if n else "No"


def _header(doc: Document, m: ModelInfo, d: ScanDigest, today: dt.date) -> None:
    version = m.model.summary_version
    doc.header = [
        ("Version of the Summary", version or "GAP: model.summary_version not given"),
        ("Previous versions", ", ".join(m.model.previous_summaries) or "none (first version)"),
        ("Last update", today.isoformat()),
        ("Scan", f"{d.scan}: facts.parquet sha256 {d.facts_sha256[:16]}…"),
        ("Training set", _training_set(d)),
        ("Scan provenance", provenance_text(d)),
    ]


def provenance_text(d: ScanDigest) -> str:
    """Return the scan's provenance on one line (what is missing says so)."""
    p = d.provenance
    snaps = ", ".join(f"{s['name']} sha256 {s['sha256'][:16]}…" for s in d.snapshots)
    parts = [
        f"clearance {p.get('tool_version', '(version not recorded)')}",
        f"knowledge base as of {p.get('kb_as_of', '(not recorded)')}",
        f"policy {p.get('policy', '(none)')}",
        f"manifest sha256 {str(p['manifest_sha256'])[:16]}…" if p.get("manifest_sha256")
        else "manifest hash not recorded by the scan",
        f"snapshots: {snaps}" if snaps else "no snapshot recorded",
    ]
    return "; ".join(parts)


def _training_set(d: ScanDigest) -> str:
    tiers = "every scanned item" if d.tiers_used is None else (
        "the items in the policy tiers " + listing(d.tiers_used))
    return f"{tiers}: {count(d.items)} of {count(d.items_scanned)} items"


def _general(doc: Document, m: ModelInfo, d: ScanDigest) -> None:
    s1 = doc.section("1", "General information")
    s11 = s1.sub("1.1", "Provider identification")
    p = m.provider
    contact = p.contact.text() if p.contact else ""
    s11.add(Answer("Provider name and contact details",
                   f"{p.name}; {contact}" if contact else Gap(
                       "provider.contact is not given in MODEL.yaml (a non-generic contact "
                       "point is expected)."), MODEL))
    if p.authorised_representative is not None:
        rep = p.authorised_representative
        text = rep.name + (f"; {rep.contact.text()}" if rep.contact else "")
        s11.add(Answer("Authorised representative name and contact details", text, MODEL))
    elif "authorised_representative" in p.model_fields_set:
        s11.add(Answer("Authorised representative name and contact details",
                       "N/A (MODEL.yaml names none; required only for providers established "
                       "outside the Union, Art. 54 AI Act)", MODEL))
    else:
        s11.add(Answer("Authorised representative name and contact details", Gap(
            "provider.authorised_representative is not given: name one if the provider is "
            "established outside the Union, else state N/A."), MODEL))
    s12 = s1.sub("1.2", "Model identification")
    s12.add(Answer("Versioned model name(s)", f"{m.model.name} {m.model.version}", MODEL))
    deps = m.model.dependencies
    if deps:
        text = "; ".join(f"{x.name}" + (f" (summary: {x.summary_url})" if x.summary_url else
                                          " (link to its summary not given)") for x in deps)
        s12.add(Answer("Model dependencies", text + ". This summary covers only the training "
                       "content of the modification.", MODEL))
    else:
        s12.add(Answer("Model dependencies", "None (MODEL.yaml lists no base model).", MODEL))
    placed = m.model.placed_on_eu_market
    s12.add(Answer("Date of placement of the model on the Union market",
                   placed.isoformat() if placed else Gap("model.placed_on_eu_market is not "
                                                        "given in MODEL.yaml."), MODEL))
    _modalities(s1.sub("1.3", "Modalities, overall training data size and other "
                       "characteristics"), m, d)


def _size_row(modality: str, items: int, m: ModelInfo) -> list[str] | Gap:
    estimate = m.training.size_estimates.get(modality)  # type: ignore[call-overload]
    unit = SIZE_BANDS[modality][0] if modality in SIZE_BANDS else None
    if estimate is not None and unit is not None and estimate.unit == unit:
        how = f"{estimate.value:,.0f} {unit} (MODEL.yaml" + (
            f": {estimate.method})" if estimate.method else ")")
        return [template_modality(modality), size_band(modality, estimate.value), how]
    if modality == "image":
        return ["Image", size_band("image", items), f"{count(items)} images counted by the scan"]
    if estimate is not None:
        return [template_modality(modality), "no range: the estimate is not in "
                f"{unit or 'a range unit'}", f"about {estimate.value:,.0f} {estimate.unit} "
                "(MODEL.yaml)"]
    if unit is None:
        return [template_modality(modality), "approximate size (no range for Other)",
                f"{count(items)} items ({modality}) counted by the scan"]
    return Gap(f"{template_modality(modality)}: the scan counts {count(items)} items but not "
               f"{unit}; give training.size_estimates.{modality} (value in {unit} and the "
               "counting method) in MODEL.yaml.")


def _modalities(s13: Section, m: ModelInfo, d: ScanDigest) -> None:
    mods = d.total.modalities
    declared = {template_modality(x) for x in m.model.modalities}
    found = modalities_text(mods)
    note = ""
    if declared and declared != set(found.split(", ")):
        note = f" MODEL.yaml declares {listing(sorted(declared))}; check the difference."
    unknown = mods.get("unknown", 0)
    if unknown:
        note += f" {count(unknown)} items have no identified modality."
    s13.add(Answer("Modalities present in the training data", found + "." + note, SCAN))
    rows: list[list[str]] = []
    gaps: list[Gap] = []
    for modality, items in sorted(mods.items(), key=lambda kv: -kv[1]):
        if modality == "unknown":
            continue
        row = _size_row(modality, items, m)
        if isinstance(row, Gap):
            gaps.append(row)
        else:
            rows.append(row)
    if rows:
        s13.add(Table(["Modality", "Training data size (template range)", "Basis"],
                      rows,
                      "Range per modality, as table 1.3 of the template defines them"))
    for g in gaps:
        s13.add(Answer("Training data size", g, SCAN))
    for group in d.modalities:
        if group.key == "unknown":
            continue
        s13.add(Answer(f"Types of content: {template_modality(group.key)}",
                       f"By source category: {top_items(group.categories, 8, label=True)}.",
                       SCAN))
    ongoing = m.training.collection_ongoing
    latest = month(d.total.last)
    tail = "" if ongoing is None else (" Collection is ongoing." if ongoing else
                                       " Collection has ended.")
    s13.add(Answer("Latest date of data acquisition/collection for model training",
                   f"{latest} (latest collection date in the scan).{tail}", SCAN))
    langs = d.total.languages
    s13.add(Answer("Description of the linguistic characteristics of the overall training data",
                   f"Languages by items: {top_items(langs, 12)}." if langs else Gap(
                       "the scan records no language for any training item (manifest column "
                       "'language'); describe the languages, naming EU official languages."),
                   SCAN))
    s13.add(Answer("Other relevant characteristics of the overall training data", Gap(
        "national, regional or demographic characteristics are not recorded by the scan; "
        "describe them or state that none are known."), SCAN))
    s13.add(Answer("Additional comments",
                   "Sizes count the training set after the policy tiers were applied and before "
                   "training. Images are counted as items of modality image; tokens and hours "
                   "come only from MODEL.yaml. A value on the upper end of a range is placed in "
                   "the middle range (the template does not settle boundaries).", "tool"))


def _sources_public(s2: Section, m: ModelInfo, d: ScanDigest) -> None:
    s21 = s2.sub("2.1", "Publicly available datasets")
    g = d.channel("public_dataset")
    s21.add(Answer("Have you used publicly available datasets to train the model?",
                   _yes_no(g.items if g else 0), SCAN))
    if g is None:
        return
    s21.add(Answer("Modality(ies) of the content covered", modalities_text(g.modalities), SCAN))
    rows = []
    for ds in d.datasets:
        if "public_dataset" not in ds.channels:
            continue
        info = m.dataset(ds.key)
        name = info.public_name if info and info.public_name else ds.key
        link = info.url if info and info.url else "GAP: dataset URL not given in MODEL.yaml"
        rows.append([name, ", ".join(ds.versions) or "not recorded", link, size_text(ds)])
    s21.add(Table(["Dataset", "Version", "Link", "Used (items, size)"], rows,
                  "List of publicly available datasets used"))
    s21.add(Answer("General description of other publicly available datasets not listed above",
                   "None: every publicly available dataset in the scan is listed above (the "
                   "template asks only for the large ones).", SCAN))
    for row in rows:
        if row[2].startswith("GAP:"):
            s21.add(Answer(f"Link for {row[0]}", Gap(f"datasets[{row[0]}].url is not given in "
                                                     "MODEL.yaml."), MODEL))


def _sources_private(s2: Section, m: ModelInfo, d: ScanDigest) -> None:
    s22 = s2.sub("2.2", "Private non-publicly available datasets obtained from third parties")
    s221 = s22.sub("2.2.1", "Datasets commercially licensed by rightsholders or their "
                   "representatives")
    lic = d.channel("licensed")
    s221.add(Answer("Have you concluded transactional commercial licensing agreement(s) with "
                    "rightsholder(s) or with their representatives?", _yes_no(lic.items if lic
                                                                             else 0), SCAN))
    if lic is not None:
        s221.add(Answer("Modality(ies) of the content covered", modalities_text(lic.modalities),
                        SCAN))
        agreements = (f" The scan links them to {count(len(lic.agreements))} licence "
                      "agreement(s).") if lic.agreements else (
                          " The scan does not record which agreement covers each item.")
        s221.add(Answer("Additional comments", f"{size_text(lic)}, collected {period(lic)}."
                        f"{agreements} Licensors are not named (the template does not require "
                        "it).", SCAN))
    s222 = s22.sub("2.2.2", "Private datasets obtained from other third parties")
    other = d.channel("private_third_party")
    s222.add(Answer("Have you obtained private datasets from third parties that are not licensed "
                    "as described in Section 2.2.1?", _yes_no(other.items if other else 0), SCAN))
    if other is not None:
        s222.add(Answer("Modality(ies) of the content covered",
                        modalities_text(other.modalities), SCAN))
        known = [m.dataset(ds.key) for ds in d.datasets if "private_third_party" in ds.channels]
        names = [k.public_name for k in known if k and k.public_name]
        s222.add(Answer("List of publicly known private datasets", listing(names) or
                        "None named in MODEL.yaml.", MODEL))
        s222.add(Answer("General description of non-publicly known private datasets",
                        f"{size_text(other)}; content by source category: "
                        f"{top_items(other.categories, 6, label=True)}.", SCAN))


def _sources_crawled(s2: Section, m: ModelInfo, d: ScanDigest) -> None:
    s23 = s2.sub("2.3", "Data crawled and scraped from online sources")
    g = d.channel("provider_crawl")
    s23.add(Answer("Were crawlers used by the provider or on its behalf?",
                   _yes_no(g.items if g else 0), SCAN))
    if g is None:
        return
    crawlers = m.crawlers
    s23.add(Answer("Crawler name(s)/identifier(s)", "; ".join(
        c.name + (f" (user agent: {c.user_agent})" if c.user_agent else "") for c in crawlers)
        if crawlers else Gap("the scan has crawled items but MODEL.yaml names no crawler "
                             "(crawlers[].name, user_agent)."), MODEL))
    purposes = [f"{c.name}: {c.purpose}" for c in crawlers if c.purpose]
    s23.add(Answer("Purposes of the crawler(s)", "; ".join(purposes) if purposes else Gap(
        "crawlers[].purpose is not given in MODEL.yaml."), MODEL))
    behaviour = [f"{c.name}: {c.behaviour}" for c in crawlers if c.behaviour]
    read = d.signals.get("standards") or {}
    observed = (f" The scan read these opt-out standards for {count(d.signals.get('hosts', 0))} "
                f"hosts: {top_items(read, 8)} (hosts per standard).") if read else ""
    s23.add(Answer("General description of crawler behaviour",
                   ("; ".join(behaviour) + observed) if behaviour else Gap(
                       "crawlers[].behaviour is not given in MODEL.yaml (robots.txt handling, "
                       "other protocols, CAPTCHAs, logins, paywalls)." + observed), MODEL))
    s23.add(Answer("Period of data collection", f"{month(g.first)} to {month(g.last)}", SCAN))
    s23.add(Answer("Comprehensive description of the type of content and online sources crawled",
                   f"{size_text(g)} from {count(len(d.domains.domains))} registrable domains. "
                   f"By source category: {top_items(g.categories, 10, label=True)}.", SCAN))
    s23.add(Answer("Type of modality covered", modalities_text(g.modalities), SCAN))
    _domain_list(s23, m, d)


def _domain_list(s23: Section, m: ModelInfo, d: ScanDigest) -> None:
    ranking = d.domains
    sme = m.provider.sme
    n = len(ranking.domains)
    top = ranking.top(sme=bool(sme))
    rule = ("top 5% or 1,000 domain names (SME), whichever is lower" if sme else
            "top 10% of all domain names")
    measure = ("size of the content in bytes" if ranking.measure == "bytes" else
               "number of items (the scan lacks the size of some crawled items)")
    s23.add(Answer("Summary of the most relevant domain names crawled",
                   f"{count(len(top))} of {count(n)} domain names ({rule}), ranked by {measure}:",
                   SCAN))
    s23.add(Table(["Rank", "Domain name"], [[str(i), dom] for i, dom in enumerate(top, 1)]))
    if sme is None:
        s23.add(Answer("SME status", Gap("provider.sme is not given in MODEL.yaml: the list uses "
                                         "the general rule (top 10%)."), MODEL))
    extra = (f" {count(ranking.items_without_domain)} crawled items have no domain and are not "
             "ranked.") if ranking.items_without_domain else ""
    s23.add(Answer("Additional comments",
                   "Domain names are registrable domains (eTLD+1 by the Public Suffix List), "
                   "ranked over the crawled items of the training set; the full ranking is kept "
                   "in domains.csv beside this draft. The number listed is rounded up." + extra,
                   "tool"))


def _sources_other(s2: Section, m: ModelInfo, d: ScanDigest) -> None:
    s24 = s2.sub("2.4", "User data")
    ud = m.user_data
    scan_user = d.channel("user_data")
    for question, value in (
        ("Was data from user interactions with the AI model used to train the model?",
         ud.from_model_interactions),
        ("Was data collected from user interactions with the provider's other services or "
         "products used to train the model?", ud.from_other_services),
    ):
        s24.add(Answer(question, ("Yes" if value else "No") if value is not None else Gap(
            "user_data is not answered in MODEL.yaml" + (
                f"; the scan has {count(scan_user.items)} items of channel user_data"
                if scan_user else "") + "."), MODEL))
    if scan_user is not None or ud.from_model_interactions or ud.from_other_services:
        s24.add(Answer("Description of the services or products used to collect user data",
                       ud.services or Gap("user_data.services is not given in MODEL.yaml."),
                       MODEL))
        if scan_user is not None:
            s24.add(Answer("Type of modality covered", modalities_text(scan_user.modalities),
                           SCAN))
    s25 = s2.sub("2.5", "Synthetic data")
    syn = d.channel("synthetic")
    s25.add(Answer("Was synthetic AI-generated data created by the provider or on its behalf to "
                   "train the model?", _yes_no(syn.items if syn else 0), SCAN))
    if syn is not None:
        s25.add(Answer("Modality of the synthetic data", modalities_text(syn.modalities), SCAN))
        market = [g for g in m.synthetic_generators if g.on_market]
        internal = [g for g in m.synthetic_generators if g.on_market is False]
        s25.add(Answer("General-purpose AI model(s) used to generate the synthetic data, if "
                       "available on the market", "; ".join(
                           g.name + (f" ({g.provider})" if g.provider else "") +
                           (f", summary: {g.summary_url}" if g.summary_url else "")
                           for g in market) or (Gap("synthetic_generators is not given in "
                                                    "MODEL.yaml.") if not m.synthetic_generators
                                                else "None"), MODEL))
        s25.add(Answer("Other AI models, including the provider's own not on the market",
                       "; ".join(g.name for g in internal) or "None named in MODEL.yaml.",
                       MODEL))
        s25.add(Answer("Additional comments", f"{size_text(syn)}.", SCAN))
    s26 = s2.sub("2.6", "Other sources of data")
    other = [g for g in d.channels if g.key in ("other", "unknown")]
    n = sum(g.items for g in other)
    s26.add(Answer("Have data sources other than those described in Sections 2.1 to 2.5 been "
                   "used to train the model?", _yes_no(n), SCAN))
    if n:
        unknown = next((g for g in other if g.key == "unknown"), None)
        s26.add(Answer("Narrative description of these data sources", Gap(
            f"{count(n)} training items have the channel 'other' or none"
            + (f" ({count(unknown.items)} without a channel)" if unknown else "") +
            "; describe them, or record their channel in the manifest."), SCAN))


def build_eu_summary(m: ModelInfo, d: ScanDigest, *, today: dt.date) -> Document:
    """Return the EU public summary draft for model ``m`` over the scan digest ``d``."""
    doc = Document(
        title="Public Summary of Training Content",
        subtitle=(f"{m.model.name} {m.model.version}: Article 53(1)(d) of Regulation (EU) "
                  "2024/1689, in the structure of the Commission's template (C(2025) 8311)"),
    )
    _header(doc, m, d, today)
    _general(doc, m, d)
    s2 = doc.section("2", "List of data sources")
    _sources_public(s2, m, d)
    _sources_private(s2, m, d)
    _sources_crawled(s2, m, d)
    _sources_other(s2, m, d)
    processing_sections(doc, m, d)
    doc.extra_gaps = list(d.gaps)
    doc.method = [
        "Counts come from the scan's facts.parquet over the training set; the policy tier of "
        "each item comes from assessment.parquet.",
        "Nothing is estimated: a figure the scan cannot count and MODEL.yaml does not give is a "
        "gap.",
        "Section 2 routes items by their acquisition channel: public_dataset to 2.1, licensed "
        "to 2.2.1, private_third_party to 2.2.2, provider_crawl to 2.3, user_data to 2.4, "
        "synthetic to 2.5, other to 2.6.",
    ]
    doc.sources = sources("ai-act-art53", "eu-template", "eu-template-sme-rule",
                          "code-of-practice-copyright", "rfc9309")
    doc.sections[0].blocks.insert(0, Para(
        "This summary covers the content used to train the model named below, as the scan of "
        "its training data records it.", note=True))
    return doc
