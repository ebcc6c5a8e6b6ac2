# SPDX-License-Identifier: Apache-2.0
"""Draft the output-IP part of a generative-AI product's terms of service.

The input is a small YAML file (``clearance draft terms --example-terms`` prints one): the
provider, the product, its plans (paid or not, whether user content trains models - opt-in,
opt-out or never - and whether the IP indemnity applies), the markets it ships to, positions
per topic of the ``terms`` clause library and numbers. The output is the terms as DOCX, PDF
and Markdown with a cover memo, like an agreement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.draft.assemble import (
    Drafted,
    build_context,
    check_terms,
    expand_markets,
    render_topic,
)
from clearance.draft.document import Document
from clearance.draft.library import ClauseLibrary, JurisdictionNote, Topic, default_library
from clearance.draft.memo import cover_memo
from clearance.draft.sources import CLAUSES_ROOT
from clearance.draft.templating import render
from clearance.draft.termsheet import Party, check_numbers, read_yaml_mapping
from clearance.draft.write import FORMATS, write_document
from clearance.errors import ContractError
from clearance.law.kb import Market

__all__ = [
    "EXAMPLE_PRODUCT_TERMS",
    "Plan",
    "ProductTerms",
    "draft_terms",
    "load_product_terms",
    "write_terms",
]

EXAMPLE_PRODUCT_TERMS: Final = CLAUSES_ROOT / "examples" / "product-terms.yaml"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Plan(_Model):
    """One plan of the product: paid or free, training choice, indemnity."""

    name: str = Field(min_length=1, max_length=80)
    paid: bool = False
    training: Literal["opt_in", "opt_out", "never"]
    indemnity: bool = False


class Product(_Model):
    """The product the terms are for."""

    name: str = Field(min_length=1, max_length=120)
    description: str = Field(min_length=3, max_length=600)


class ProductTerms(_Model):
    """What the provider decides before drafting the output-IP terms."""

    kind: Literal["product-terms"] = "product-terms"
    reference: str = Field(default="", max_length=100)
    title: str = Field(default="", max_length=200)
    date: dt.date | None = None
    provider: Party
    product: Product
    plans: tuple[Plan, ...] = Field(min_length=1)
    markets: tuple[Market, ...] = ()
    positions: dict[str, str] = Field(default_factory=dict)
    numbers: dict[str, int | float | str] = Field(default_factory=dict)


def load_product_terms(path: str | Path, library: ClauseLibrary) -> ProductTerms:
    """Return the product terms sheet in ``path``, validated; raise ContractError otherwise."""
    path = Path(path)
    raw = read_yaml_mapping(path, "product terms sheet")
    try:
        sheet = ProductTerms.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "sheet"
        raise ContractError(f"{where}: {err['msg']}", path=path) from exc
    problems = []
    for topic, position in sheet.positions.items():
        if topic not in library:
            problems.append(f"positions.{topic}: no such topic")
        elif position not in library.positions:
            problems.append(
                f"positions.{topic}: {position!r} is not one of {', '.join(library.positions)}"
            )
    problems += check_numbers(sheet.numbers, library.variables())
    names = [p.name for p in sheet.plans]
    if len(set(names)) != len(names):
        problems.append("plans: two plans have the same name")
    if problems:
        raise ContractError("; ".join(problems[:5]), path=path)
    return sheet


def draft_terms(
    sheet: ProductTerms,
    library: ClauseLibrary | None = None,
    *,
    today: Callable[[], dt.date] = dt.date.today,
) -> Drafted:
    """Return the drafted product terms and their cover memo."""
    library = library or default_library("terms")
    used: set[str] = set()
    markets = expand_markets(sheet.markets)
    plans = [p.model_dump() for p in sheet.plans]
    ctx = build_context(
        library,
        dict(sheet.numbers),
        markets=sorted(markets),
        content=f"{sheet.product.name}, {sheet.product.description}",
        plans=plans,
        used=used,
    )
    positions = {t.id: sheet.positions.get(t.id, "balanced") for t in library}
    title = sheet.title or f"{sheet.product.name}: {library.info.title}"
    doc = Document(
        title=title,
        subtitle=" · ".join(
            x
            for x in (
                f"Reference {sheet.reference}" if sheet.reference else "",
                f"Draft of {today().isoformat()}",
            )
            if x
        ),
    )
    applied: list[tuple[Topic, JurisdictionNote]] = []
    clauses: dict[str, list[str]] = {}
    definitions: dict[str, str] = {}
    for topic in library:
        clauses[topic.id], notes = render_topic(topic, positions[topic.id], ctx, markets)
        applied += [(topic, n) for n in notes]
        chosen = dict(topic.defines) | dict(topic.positions[positions[topic.id]].defines)
        definitions |= {k: render(v, ctx) for k, v in chosen.items()}
    p = sheet.provider
    who = ", ".join(x for x in (p.name, p.description, p.address) if x)
    doc.add(
        "para",
        f'These terms are between {who} ("Provider") and you, the person or '
        "organisation using the Service.",
    )
    for text in library.info.preamble:
        doc.add("para", render(text, ctx))
    body = " ".join(" ".join(x) for x in clauses.values())
    used_terms, lint = check_terms(definitions, body)
    for n, topic in enumerate(library.topics, start=1):
        doc.add("heading", topic.title, number=str(n), topic=topic.id)
        start = 1
        if topic.id == "definitions":
            doc.add("clause", "In these terms:", number=f"{n}.1", topic=topic.id)
            for term in sorted(used_terms, key=str.lower):
                doc.add("definition", definitions[term], term=term, topic=topic.id)
            start = 2
        for i, text in enumerate(clauses[topic.id], start=start):
            doc.add("clause", text, number=f"{n}.{i}", topic=topic.id)
    doc.add("heading", "Plans", topic="plans")
    rows: list[tuple[str, ...]] = [("Plan", "Paid", "User Content trains models", "IP indemnity")]
    label = {
        "opt_in": "only if the user opts in",
        "opt_out": "unless the user opts out",
        "never": "never",
    }
    for plan in sheet.plans:
        rows.append(
            (
                plan.name,
                "yes" if plan.paid else "no",
                label[plan.training],
                "yes" if plan.indemnity else "no",
            )
        )
    doc.add("table", rows=tuple(rows), topic="plans")
    cited: list[str] = []
    for topic in library:
        cited += list(topic.cites) + list(topic.positions[positions[topic.id]].cites)
    cited += [c for _, n in applied for c in n.cites]
    drafted = Drafted(
        document=doc,
        memo=Document(title=""),
        positions=positions,
        defaults_used=sorted(used),
        notes=applied,
        lint=lint,
        cited=list(dict.fromkeys(cited)),
        pruned=sorted(set(definitions) - used_terms),
    )
    drafted.memo = cover_memo(
        drafted,
        library,
        title=title,
        reference=sheet.reference,
        parties={"provider": p.name, "user": "its users"},
        numbers=ctx["v"],
    )
    return drafted


def write_terms(
    sheet_path: str | Path, out_dir: str | Path, *, formats: Iterable[str] = FORMATS
) -> dict[str, Any]:
    """Draft the product terms of ``sheet_path`` into ``out_dir``; return what was written."""
    library = default_library("terms")
    sheet = load_product_terms(sheet_path, library)
    drafted = draft_terms(sheet, library)
    out = Path(out_dir)
    formats = tuple(formats)
    files = {
        f"terms.{k}": str(v)
        for k, v in write_document(drafted.document, out, "terms", formats).items()
    }
    files |= {
        f"cover-memo.{k}": str(v)
        for k, v in write_document(drafted.memo, out, "cover-memo", formats).items()
    }
    return {
        "reference": sheet.reference,
        "words": drafted.document.word_count(),
        "non_balanced_positions": {t: p for t, p in drafted.positions.items() if p != "balanced"},
        "numbers_to_confirm": drafted.defaults_used,
        "drafting_checks": drafted.lint,
        "files": files,
        "disclaimer": drafted.document.banner,
    }
