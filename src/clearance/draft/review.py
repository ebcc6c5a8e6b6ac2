# SPDX-License-Identifier: Apache-2.0
"""Review an incoming AI data licence against the clause library, by rules, offline.

1. The parties' names are mapped to the library's roles: the grant sentence ("X grants to Y")
   names the licensor and the licensee; defined names such as ("Publisher") or ("Developer")
   are the fallback; ``--licensor-name`` / ``--licensee-name`` override. Those names are
   rewritten as ``Licensor`` / ``Licensee`` so the library's patterns apply to any agreement.
2. The agreement is split into clauses (``segment``). A clause scores 3 for a topic when its
   heading matches one of the topic's heading patterns and 1 for each distinct body phrase;
   the topic is present when a clause scores 2 or more (a definitions clause counts only for
   the definitions topic, so a defined term is not mistaken for a clause).
3. A present topic is ``one_sided`` against the reviewing side when one of its rules fires:
   every ``all_of`` pattern matches the topic's clauses and no ``none_of`` pattern matches
   anywhere in the agreement (so a cap on the other party written elsewhere still counts).
   A rule that fires against the other side is reported as favouring the reviewer.
4. Core topics with no clause are ``missing``.

The result is a risk reading for counsel, not legal advice; a topic the rules did not find
may still be covered in words the library does not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from clearance.draft.document import DRAFT_BANNER, Document
from clearance.draft.library import ClauseLibrary, OneSidedRule, Topic, default_library
from clearance.draft.readers import AgreementText, read_agreement
from clearance.draft.segment import Clause, segment
from clearance.errors import ContractError

__all__ = [
    "ReviewResult",
    "TopicFinding",
    "detect_parties",
    "review_agreement",
    "review_memo",
    "review_text",
]

_PRESENT: Final = 2
_QUOTE: Final = 600
_NAME = r"[A-Z][\w&.-]*(?: [A-Z][\w&.-]*){0,3}"
_DEFINED = re.compile(rf"\(\s*(?:the\s+)?[\"']({_NAME})[\"']\s*\)")
_GRANT = re.compile(
    rf"\b(?:the\s+)?({_NAME})\s+(?:hereby\s+)?grants?\s+(?:to\s+)?(?:the\s+)?({_NAME})\b"
)
_LICENSOR_WORDS: Final = (
    "licensor",
    "publisher",
    "provider",
    "owner",
    "rights holder",
    "rightsholder",
    "supplier",
    "vendor",
    "content owner",
)
_LICENSEE_WORDS: Final = (
    "licensee",
    "developer",
    "company",
    "customer",
    "recipient",
    "client",
    "purchaser",
    "buyer",
)


@dataclass(frozen=True, slots=True)
class TopicFinding:
    """What the review found for one topic."""

    topic: str
    title: str
    core: bool
    status: str  # present | missing | one_sided
    clause: str | None
    where: str | None
    comment: str

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready dict."""
        return {
            "topic": self.topic,
            "title": self.title,
            "core": self.core,
            "status": self.status,
            "clause": self.clause,
            "where": self.where,
            "comment": self.comment,
        }


@dataclass
class ReviewResult:
    """The review of one agreement from one side's point of view."""

    path: str
    format: str
    side: str
    parties: dict[str, str]
    topics: list[TopicFinding]

    def to_dict(self) -> dict[str, Any]:
        """Return ``{"topics": [...], ...}`` as the JSON output of ``clearance draft review``."""
        counts = {
            s: sum(1 for t in self.topics if t.status == s)
            for s in ("present", "missing", "one_sided")
        }
        return {
            "file": self.path,
            "format": self.format,
            "side": self.side,
            "parties": self.parties,
            "summary": counts,
            "topics": [t.to_dict() for t in self.topics],
            "disclaimer": "A rule-based reading for counsel's review, not legal advice.",
        }


def detect_parties(
    text: str, licensor: str | None = None, licensee: str | None = None
) -> dict[str, str]:
    """Return the names the agreement uses for the licensor and the licensee."""
    found: dict[str, str] = {}
    if licensor:
        found["licensor"] = licensor
    if licensee:
        found["licensee"] = licensee
    grant = _GRANT.search(text)
    if grant and grant.group(1) != grant.group(2):
        found.setdefault("licensor", grant.group(1))
        found.setdefault("licensee", grant.group(2))
    for name in _DEFINED.findall(text[:20000]):
        low = name.lower()
        if "licensor" not in found and any(w in low for w in _LICENSOR_WORDS):
            found["licensor"] = name
        elif "licensee" not in found and any(w in low for w in _LICENSEE_WORDS):
            found["licensee"] = name
    return found


def _normalise(text: str, parties: dict[str, str]) -> str:
    for role, name in parties.items():
        if name.lower() != role:
            text = re.sub(rf"\b{re.escape(name)}\b", role.capitalize(), text, flags=re.IGNORECASE)
    return text


def _search(pattern: str, text: str) -> re.Match[str] | None:
    return re.search(pattern, text, re.IGNORECASE)


def _score(topic: Topic, clause: Clause, is_definitions: bool) -> int:
    heading = clause.heading
    if is_definitions and topic.id != "definitions":
        return 0
    score = 3 if heading and any(_search(p, heading) for p in topic.review.headings) else 0
    return score + sum(1 for p in topic.review.phrases if _search(p, clause.text))


def _best_paragraph(topic: Topic, clause: Clause) -> int:
    """Return the index of the clause's paragraph that matches most of the topic's phrases."""
    if not clause.paragraphs:
        return -1
    hits = [sum(1 for x in topic.review.phrases if _search(x, p)) for p in clause.paragraphs]
    return hits.index(max(hits))


def _quote(clause: Clause, index: int) -> str:
    text = clause.paragraphs[index] if 0 <= index < len(clause.paragraphs) else clause.heading
    return text if len(text) <= _QUOTE else text[: _QUOTE - 3].rstrip() + "..."


def _fires(rule: OneSidedRule, scope: str, whole: str) -> bool:
    return all(_search(p, scope) for p in rule.all_of) and not any(
        _search(p, whole) for p in rule.none_of
    )


def _where(clause: Clause) -> str:
    return " ".join(x for x in (clause.number, clause.heading) if x) or "untitled opening text"


def review_text(
    agreement: AgreementText,
    side: str = "licensee",
    *,
    library: ClauseLibrary | None = None,
    licensor_name: str | None = None,
    licensee_name: str | None = None,
) -> ReviewResult:
    """Return the review of ``agreement`` from ``side``'s point of view."""
    library = library or default_library("licence")
    if side not in library.info.sides:
        raise ContractError(f"side must be one of {', '.join(library.info.sides)}, not {side!r}")
    parties = detect_parties(agreement.text, licensor_name, licensee_name)
    original = segment(agreement.lines)  # quoted as written
    clauses = [
        Clause(
            c.number, _normalise(c.heading, parties), [_normalise(p, parties) for p in c.paragraphs]
        )
        for c in original
    ]
    whole = "\n".join(c.text for c in clauses)
    definitions = library.topic("definitions") if "definitions" in library else None
    is_def = [
        bool(
            definitions
            and c.heading
            and any(_search(p, c.heading) for p in definitions.review.headings)
        )
        for c in clauses
    ]
    findings = []
    for topic in library:
        scored = [
            (_score(topic, c, d), i) for i, (c, d) in enumerate(zip(clauses, is_def, strict=True))
        ]
        hits = [(s, i) for s, i in scored if s >= _PRESENT]
        if not hits:
            findings.append(
                TopicFinding(
                    topic.id,
                    topic.title,
                    topic.core,
                    "missing",
                    None,
                    None,
                    f"Not found. {topic.why_it_matters} Balanced position to propose: "
                    f"{topic.positions['balanced'].summary}",
                )
            )
            continue
        best_index = max(hits)[1]
        best = clauses[best_index]
        scope = "\n".join(clauses[i].text for _, i in hits)
        against = [
            r for r in topic.review.one_sided if r.against == side and _fires(r, scope, whole)
        ]
        favours = [
            r for r in topic.review.one_sided if r.against != side and _fires(r, scope, whole)
        ]
        if against:
            status = "one_sided"
            comment = (
                f"One-sided against the {side}: {against[0].comment} Balanced position "
                f"to propose: {topic.positions['balanced'].summary}"
            )
            found = next(
                (
                    (i, k)
                    for _, i in sorted(hits, reverse=True)
                    for k, p in enumerate(clauses[i].paragraphs)
                    if all(_search(x, p) for x in against[0].all_of)
                ),
                None,
            )
            if found is not None:
                best_index = found[0]
                clause_text = _quote(original[found[0]], found[1])
            else:
                clause_text = _quote(original[best_index], _best_paragraph(topic, best))
        else:
            status = "present"
            comment = f"Found in {_where(original[best_index])}."
            if favours:
                comment += f" Favours the {side}: {favours[0].comment}"
            clause_text = _quote(original[best_index], _best_paragraph(topic, best))
        findings.append(
            TopicFinding(
                topic.id,
                topic.title,
                topic.core,
                status,
                clause_text,
                _where(original[best_index]),
                comment,
            )
        )
    return ReviewResult(agreement.path, agreement.format, side, parties, findings)


def review_agreement(path: str | Path, side: str = "licensee", **names: str | None) -> ReviewResult:
    """Read the agreement at ``path`` and review it (see :func:`review_text`)."""
    return review_text(read_agreement(path), side, **names)  # type: ignore[arg-type]


def review_memo(result: ReviewResult, library: ClauseLibrary | None = None) -> Document:
    """Return the review as a memo: what is missing, what is one-sided, what is there."""
    library = library or default_library("licence")
    name = Path(result.path).name
    memo = Document(
        title=f"Review of {name}",
        subtitle=f"From the {result.side}'s side",
        banner=DRAFT_BANNER.replace(
            "Prepared with clearance from a clause library", "A rule-based reading with clearance"
        ),
    )
    missing = [t for t in result.topics if t.status == "missing"]
    one_sided = [t for t in result.topics if t.status == "one_sided"]
    present = [t for t in result.topics if t.status == "present"]
    who = ", ".join(f"{role}: {n}" for role, n in result.parties.items()) or "not recognised"
    memo.add(
        "para",
        f"Parties as read: {who}. {len(present)} topics present, "
        f"{len(one_sided)} one-sided against the {result.side}, {len(missing)} missing "
        f"({sum(1 for t in missing if t.core)} of them core).",
    )
    memo.add("heading", "Missing topics")
    if missing:
        rows: list[tuple[str, ...]] = [("Topic", "Core", "Why it matters / what to propose")]
        rows += [(t.title, "yes" if t.core else "no", t.comment) for t in missing]
        memo.add("table", rows=tuple(rows))
    else:
        memo.add("para", "Every topic of the library was found.")
    memo.add("heading", f"One-sided against the {result.side}")
    if one_sided:
        for t in one_sided:
            memo.add("subheading", f"{t.title} ({t.where})")
            memo.add("note", f'"{t.clause}"')
            memo.add("para", t.comment)
    else:
        memo.add("para", "No clause matched a one-sided rule.")
    memo.add("heading", "Present")
    rows = [("Topic", "Where", "Comment")]
    rows += [(t.title, t.where or "", t.comment) for t in present]
    memo.add("table", rows=tuple(rows))
    memo.add(
        "note",
        "Rules find wording the clause library knows; a topic reported missing may "
        "be covered in other words, and one that is present may still be unfavourable. "
        "Read the agreement.",
    )
    return memo
