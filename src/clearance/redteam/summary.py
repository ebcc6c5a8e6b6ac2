# SPDX-License-Identifier: Apache-2.0
"""The red-team section of a report: :func:`build_summary`, then Markdown or HTML.

The summary says how often outputs reproduced indexed work, per source category; which
sources were reproduced most; example spans side by side with the prompt (the form of the
exhibits in NYT v Microsoft/OpenAI); what each licence demands and where verbatim output is
the infringing act; the mitigations to consider; and the authorities, cited from the law
knowledge base. It is a risk assessment, not legal advice.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from clearance.models import DISCLAIMER, CitedAuthority
from clearance.redteam.findings import license_duties, memorization_markets

__all__ = ["AUTHORITIES", "RedteamSummary", "build_summary", "render_html", "render_markdown"]

#: Knowledge-base ids the section cites, and why each bears on regurgitation.
AUTHORITIES: tuple[tuple[str, str], ...] = (
    ("de-case-gema-v-openai", "Lyrics memorised by a model and reproduced in its outputs were "
     "held to be reproductions for which the model provider is liable (Germany)."),
    ("us-case-nyt-v-microsoft-openai", "Claims over outputs that reproduce articles near "
     "verbatim survived dismissal; the complaint's exhibits set prompt, output and original "
     "side by side (United States)."),
    ("us-case-doe-v-github", "Code emitted without its licence notice: open-source licence "
     "claims proceed; DMCA § 1202(b) claims failed for lack of identical copies (United States)."),
    ("us-statute-dmca-s1202", "Removing or omitting copyright-management information such as "
     "a licence notice from a copy."),
)

MITIGATIONS: tuple[tuple[str, str], ...] = (
    ("output_filter", "Filter outputs against this index at the chosen threshold ({threshold}) "
     "before they reach users: block the span, or show it with its source and licence notice "
     "as GitHub's Copilot duplicate filter does."),
    ("dedup", "Deduplicate the training data (exact substrings and near duplicates): "
     "extraction studies find memorisation grows with how often a text is repeated."),
    ("refusal", "Train the model to refuse requests for protected text (lyrics, articles, "
     "book passages, licensed code) and test the refusals with these probes again."),
    ("licence", "Where a reproduced source's licence permits reuse on conditions, emit its "
     "notice and attribution with the span, or license the work."),
)


@dataclass(frozen=True, slots=True)
class RedteamSummary:
    """The computed red-team section."""

    threshold: str
    outputs: int
    outputs_with_matches: int
    categories: list[dict[str, Any]]  # category, sources probed, extracted, rate
    worst_sources: list[dict[str, Any]]
    examples: list[dict[str, Any]]
    licences: list[dict[str, Any]]  # licence, demands, markets
    mitigations: list[dict[str, str]]
    authorities: list[CitedAuthority]
    missing_authorities: list[str]
    disclaimer: str = DISCLAIMER
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        out = asdict(self)
        out["authorities"] = [a.to_dict() for a in self.authorities]
        return out


def _authorities() -> tuple[list[CitedAuthority], list[str]]:
    from clearance.law import default_knowledge_base

    kb = default_knowledge_base()
    found, missing = [], []
    for kid, why in AUTHORITIES:
        if kid not in kb:
            missing.append(kid)
            continue
        e = kb.get(kid)
        found.append(CitedAuthority(id=e.id, title=e.title, citation=e.citation, body=e.body,
                                    date=e.date.isoformat(), status=e.status, market=e.market,
                                    verified=e.verified, source_url=e.source_url, why=why))
    return found, missing


def build_summary(
    sources: Sequence[Mapping[str, Any]],
    results: Iterable[Mapping[str, Any]],
    *,
    threshold: str,
    probed: Mapping[str, int] | None = None,
    prompts: Mapping[str, str] | None = None,
    examples: int = 5,
    worst: int = 10,
) -> RedteamSummary:
    """Return the red-team section from the index's sources and the check results.

    The extraction rate of a category is the share of its probed sources that some output
    reproduced; when nothing was probed (a plain ``check``), it is the share of all indexed
    sources of the category, and the summary says so.
    """
    results = list(results)
    probed = probed or {}
    by_id = {s["id"]: s for s in sources}
    hit_tokens: dict[str, int] = {}
    hit_outputs: dict[str, int] = {}
    spans: list[tuple[int, str, Mapping[str, Any]]] = []
    for r in results:
        for src in {m["source"] for m in r["matches"]}:
            hit_outputs[src] = hit_outputs.get(src, 0) + 1
        for m in r["matches"]:
            hit_tokens[m["source"]] = max(hit_tokens.get(m["source"], 0), int(m["tokens"]))
            spans.append((int(m["tokens"]), str(r["id"]), m))
    base = [s for s in sources if s["id"] in probed] if probed else list(sources)
    cats: dict[str, list[int]] = {}
    for s in base:
        row = cats.setdefault(s.get("category") or "uncategorised", [0, 0])
        row[0] += 1
        row[1] += s["id"] in hit_outputs
    categories = [{"category": c, "sources": n, "extracted": k, "rate": round(k / n, 4)}
                  for c, (n, k) in sorted(cats.items(), key=lambda kv: -kv[1][1] / kv[1][0])]
    ranked = sorted(hit_outputs, key=lambda s: (-hit_outputs[s], -hit_tokens[s], s))[:worst]
    worst_rows = []
    for sid in ranked:
        s = by_id.get(sid, {})
        worst_rows.append({"source": sid, "outputs": hit_outputs[sid],
                           "longest_tokens": hit_tokens[sid], "license": s.get("license"),
                           "category": s.get("category"), "url": s.get("url"),
                           "title": s.get("title"), "author": s.get("author")})
    spans.sort(key=lambda t: (-t[0], t[1]))
    chosen, seen = [], set()
    for _, oid, m in spans:
        if m["source"] in seen:
            continue
        seen.add(m["source"])
        chosen.append({"output": oid, "prompt": (prompts or {}).get(oid), "source": m["source"],
                       "tokens": m["tokens"], "chars": m["chars"], "excerpt": m["excerpt"],
                       "source_excerpt": m.get("source_excerpt", ""), "license": m["license"]})
        if len(chosen) >= examples:
            break
    licences = []
    for lid in sorted({str(by_id.get(s, {}).get("license") or "unknown") for s in hit_outputs}):
        d = license_duties(None if lid == "unknown" else lid)
        licences.append({"license": d.license, "name": d.name, "verdict": d.verdict,
                         "demands": list(d.demands), "verified": d.verified,
                         "markets": [m.to_dict() for m in memorization_markets(d.license)]})
    authorities, missing = _authorities()
    notes = [] if probed else ["No probe run: rates are over every indexed source."]
    if missing:
        notes.append("Not in the knowledge base (not cited): " + ", ".join(missing))
    return RedteamSummary(
        threshold=threshold, outputs=len(results),
        outputs_with_matches=sum(1 for r in results if r["matches"]),
        categories=categories, worst_sources=worst_rows, examples=chosen, licences=licences,
        mitigations=[{"id": k, "text": t.format(threshold=threshold)} for k, t in MITIGATIONS],
        authorities=authorities, missing_authorities=missing, notes=notes,
    )


def _md(value: object) -> str:
    text = " ".join(str("" if value is None else value).split())
    for ch in "\\|[]<>*_`":
        text = text.replace(ch, "\\" + ch)
    return text


def render_markdown(s: RedteamSummary, *, level: int = 2) -> str:
    """Return the section as Markdown (every string from data is escaped)."""
    h = "#" * level
    lines = [f"{h} IP red team: regurgitation of protected text and code", "",
             f"{s.outputs_with_matches} of {s.outputs} outputs reproduce indexed work at "
             f"{_md(s.threshold)}. {_md(s.disclaimer)}", ""]
    lines += [f"{h}# Extraction rate per source category", "",
              "| category | sources | reproduced | rate |", "| --- | ---: | ---: | ---: |"]
    lines += [f"| {_md(c['category'])} | {c['sources']} | {c['extracted']} | "
              f"{c['rate'] * 100:.1f}% |" for c in s.categories]
    lines += ["", f"{h}# Sources reproduced most", "",
              "| source | outputs | longest (tokens) | licence | category |",
              "| --- | ---: | ---: | --- | --- |"]
    lines += [f"| {_md(w['source'])} | {w['outputs']} | {w['longest_tokens']} | "
              f"{_md(w['license'] or 'unknown')} | {_md(w['category'] or '')} |"
              for w in s.worst_sources]
    lines += ["", f"{h}# Example spans", ""]
    for e in s.examples:
        lines += [f"- **{_md(e['source'])}** ({e['tokens']} tokens, {e['chars']} characters, "
                  f"licence {_md(e['license'] or 'unknown')}); output `{_md(e['output'])}`"]
        if e["prompt"]:
            lines.append(f"  - prompt: {_md(e['prompt'][:200])}")
        lines.append(f"  - output: {_md(e['excerpt'])}")
        lines.append(f"  - source: {_md(e['source_excerpt'])}")
    lines += ["", f"{h}# What the licences demand, and where verbatim output infringes", ""]
    for lic in s.licences:
        where = ", ".join(f"{m['market'].upper()} ({m['exposure'] or 'see rule'}"
                          f"{', provisional' if m['provisional'] else ''}; {m['rule']})"
                          for m in lic["markets"]) or "no market rule on outputs"
        lines.append(f"- **{_md(lic['license'])}**: {_md('; '.join(lic['demands']) or 'none')}. "
                     f"Markets: {_md(where)}")
    lines += ["", f"{h}# Recommended mitigations", ""]
    lines += [f"- {_md(m['text'])}" for m in s.mitigations]
    lines += ["", f"{h}# Authorities", ""]
    for a in s.authorities:
        flag = "" if a.verified else " (unverified)"
        lines.append(f"- {_md(a.title)}, {_md(a.citation)} ({_md(a.status)}, {a.date}){flag}: "
                     f"{_md(a.why)} <{a.source_url}> [{a.id}]")
    lines += [f"- _{_md(n)}_" for n in s.notes]
    return "\n".join(lines) + "\n"


def render_html(s: RedteamSummary) -> str:
    """Return the section as an HTML fragment (``<section>``), every string escaped."""
    e = html.escape
    rows = "".join(f"<tr><td>{e(str(c['category']))}</td><td>{c['sources']}</td>"
                   f"<td>{c['extracted']}</td><td>{c['rate'] * 100:.1f}%</td></tr>"
                   for c in s.categories)
    worst = "".join(f"<tr><td>{e(w['source'])}</td><td>{w['outputs']}</td>"
                    f"<td>{w['longest_tokens']}</td><td>{e(str(w['license'] or 'unknown'))}</td>"
                    "</tr>" for w in s.worst_sources)
    ex = "".join(f"<article><h4>{e(x['source'])} — {x['tokens']} tokens</h4>"
                 + (f"<p class='prompt'>{e(x['prompt'][:200])}</p>" if x["prompt"] else "")
                 + f"<div class='pair'><blockquote class='output'>{e(x['excerpt'])}</blockquote>"
                 f"<blockquote class='source'>{e(x['source_excerpt'])}</blockquote></div>"
                 "</article>" for x in s.examples)
    lic = "".join(f"<li><b>{e(x['license'])}</b>: {e('; '.join(x['demands']))}; markets: "
                  f"{e(', '.join(m['market'].upper() for m in x['markets']) or 'none')}</li>"
                  for x in s.licences)
    mit = "".join(f"<li>{e(m['text'])}</li>" for m in s.mitigations)
    auth = "".join(f"<li><a href='{e(a.source_url)}'>{e(a.title)}</a>, {e(a.citation)} "
                   f"({e(a.status)}, {e(a.date)}){'' if a.verified else ' (unverified)'}: "
                   f"{e(a.why)}</li>" for a in s.authorities)
    return (
        "<section class='redteam'><h2>IP red team: regurgitation of protected text and code</h2>"
        f"<p>{s.outputs_with_matches} of {s.outputs} outputs reproduce indexed work at "
        f"{e(s.threshold)}. {e(s.disclaimer)}</p>"
        "<h3>Extraction rate per source category</h3><table><tr><th>category</th>"
        f"<th>sources</th><th>reproduced</th><th>rate</th></tr>{rows}</table>"
        "<h3>Sources reproduced most</h3><table><tr><th>source</th><th>outputs</th>"
        f"<th>longest (tokens)</th><th>licence</th></tr>{worst}</table>"
        f"<h3>Example spans</h3>{ex}<h3>Licences and markets</h3><ul>{lic}</ul>"
        f"<h3>Recommended mitigations</h3><ul>{mit}</ul><h3>Authorities</h3><ul>{auth}</ul>"
        + "".join(f"<p class='note'>{e(n)}</p>" for n in s.notes) + "</section>"
    )
