# SPDX-License-Identifier: Apache-2.0
"""The authorship memo: what the facts are, the leaning per market, why, and what to do.

``memo_content`` assembles the memo once (headings, paragraphs, tables, lists) from the
results of ``assess_authorship``; ``render_memo_markdown`` and ``memo_pdf.write_memo_pdf``
render that same content, so the Markdown and the PDF always say the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from clearance.errors import InputError, ReportError
from clearance.law.authorship.engine import DISCLAIMER, AuthorshipResult
from clearance.law.explain import cite

__all__ = [
    "Block",
    "MemoContent",
    "leaning_words",
    "memo_content",
    "render_memo_markdown",
    "write_memo",
]

_LEANING = {
    "protectable": "protectable",
    "partially_protectable": "partially protectable",
    "unprotectable": "not protectable",
    "uncertain": "uncertain",
}
_INVENTION = {
    "protectable": "a natural person can be named inventor",
    "partially_protectable": "a natural person can be named for part",
    "unprotectable": "no one can be named inventor",
    "uncertain": "uncertain who (if anyone) can be named",
}


@dataclass(frozen=True, slots=True)
class Block:
    """One piece of the memo: a heading, a paragraph, a bullet list or a table."""

    kind: str  # "h1" | "h2" | "p" | "list" | "table" | "note"
    text: str = ""
    items: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()


@dataclass(frozen=True, slots=True)
class MemoContent:
    """The memo as a sequence of blocks, with its title and dates."""

    title: str
    as_of: str
    kb_as_of: str
    blocks: tuple[Block, ...] = field(default=())


def leaning_words(result: AuthorshipResult) -> str:
    """Return the leaning in words (for inventions: who can be named inventor)."""
    words = (_INVENTION if result.facts.is_invention else _LEANING)[result.leaning]
    return words + (" (provisional)" if result.provisional else "")


def memo_content(results: Sequence[AuthorshipResult]) -> MemoContent:
    """Return the memo for one work assessed in one or more markets.

    Raises InputError when ``results`` is empty or mixes different works.
    """
    if not results:
        raise InputError("no results to write a memo from")
    facts = results[0].facts
    if any(r.facts != facts for r in results):
        raise InputError("a memo covers one work; the results are for different facts")
    title = facts.title or f"an AI-assisted {facts.work_type}"
    question = ("Who can be named inventor" if facts.is_invention
                else "Can it be protected and registered")  # fmt: skip
    b: list[Block] = [
        Block("note", f"{DISCLAIMER} Law as of {results[0].as_of}; "
              f"knowledge base as of {results[0].kb_as_of}."),
        Block("h1", "The work"),
        Block("table", rows=(("fact", "value"),) + tuple(
            (k, ", ".join(v) if isinstance(v, list) else str(v))
            for k, v in facts.to_dict().items()
        )),
        Block("h1", f"{question}? Leaning per market"),
        Block("table", rows=(("market", "leaning", "by contribution", "rules relied on"),) + tuple(
            (r.market.upper(), leaning_words(r),
             "; ".join(f"{c}: {_LEANING[lean]}" for c, lean in r.by_contribution),
             ", ".join(dict.fromkeys(r.rule_ids)))
            for r in results
        )),
    ]  # fmt: skip
    for r in results:
        b.append(Block("h2", f"{r.market.upper()}: {leaning_words(r)}"))
        if r.scope:
            b.append(Block("p", "What is protected: " + "; ".join(r.scope) + "."))
        b.append(Block("list", items=tuple(
            f"{x.title} [{x.rule_id}; {', '.join(x.contributions)} -> {x.effect}"
            f"{'; provisional' if x.provisional else ''}]. {x.explanation}"
            + (f" Authorities: {', '.join(x.citations)}." if x.citations else "")
            for x in r.reasons
        )))  # fmt: skip
        if r.claim_limitation is not None:
            b.append(Block("p", "US claim limitation (draft): " + r.claim_limitation.text))
        if r.actions:
            b.append(Block("p", "What to do:"))
            b.append(Block("list", items=r.actions))
        if r.evidence:
            b.append(Block("p", "Evidence to keep:"))
            b.append(Block("list", items=r.evidence))
    cited = sorted({c for r in results for c in r.citations})
    b.append(Block("h1", "Authorities"))
    b.append(Block("list", items=tuple(cite(c) for c in cited)))
    if any(r.provisional for r in results):
        b.append(Block("note", "Provisional: at least one leaning rests on pending litigation "
                               "or proposed law and may change."))  # fmt: skip
    return MemoContent(f"Authorship memo: {title}", results[0].as_of, results[0].kb_as_of,
                       tuple(b))  # fmt: skip


def _md_cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def render_memo_markdown(content: MemoContent) -> str:
    """Return the memo as Markdown."""
    lines = [f"# {content.title}", ""]
    for block in content.blocks:
        if block.kind == "h1":
            lines += [f"## {block.text}", ""]
        elif block.kind == "h2":
            lines += [f"### {block.text}", ""]
        elif block.kind in {"p", "note"}:
            lines += [f"*{block.text}*" if block.kind == "note" else block.text, ""]
        elif block.kind == "list":
            lines += [f"- {item}" for item in block.items] + [""]
        elif block.kind == "table" and block.rows:
            head, *body = block.rows
            lines.append("| " + " | ".join(head) + " |")
            lines.append("|" + " --- |" * len(head))
            lines += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in body]
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def write_memo(
    results: Sequence[AuthorshipResult],
    markdown: str | Path | None = None,
    pdf: str | Path | None = None,
) -> MemoContent:
    """Build the memo for ``results`` and write it as Markdown and/or PDF; return its content.

    Raises InputError for empty or mixed results and ReportError when a file cannot be written.
    """
    content = memo_content(results)
    if markdown is not None:
        try:
            Path(markdown).write_text(render_memo_markdown(content), encoding="utf-8")
        except OSError as exc:
            raise ReportError(f"{markdown}: cannot write the memo: {exc}") from exc
    if pdf is not None:
        from clearance.law.authorship.memo_pdf import write_memo_pdf

        write_memo_pdf(content, pdf)
    return content
