# SPDX-License-Identifier: Apache-2.0
"""The clause library: one YAML file per topic under ``data/clauses/<library>/<topic>.yaml``.

Two libraries ship: ``licence`` (the AI data licence agreement; sides ``licensor`` and
``licensee``) and ``terms`` (the output-IP part of a generative-AI product's terms; sides
``provider`` and ``user``). Each directory has a ``library.yaml`` (title, sides, shared
variables, preamble) and one file per topic. A topic has three positions (one side's,
``balanced``, the other side's), each with its wording as Jinja2 paragraphs, a one-line
summary, the reason the side that prefers it wants it and the other side's concern; its
variables with defaults; jurisdiction notes that change the drafting (with citations); and
the patterns the reviewer uses to find it in an incoming agreement and to call it one-sided.
``load_library`` validates all of it and raises ``KnowledgeBaseError`` naming the bad file.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError

from clearance.draft.sources import CLAUSES_ROOT, Citations, default_citations
from clearance.draft.templating import CONTEXT_NAMES, TemplateError, environment, template_names
from clearance.errors import KnowledgeBaseError
from clearance.law.kb import Market, OneLine
from clearance.yamlio import load_yaml

__all__ = [
    "LIBRARIES",
    "ClauseLibrary",
    "JurisdictionNote",
    "LibraryInfo",
    "OneSidedRule",
    "Position",
    "Topic",
    "Variable",
    "check_library",
    "default_library",
    "load_library",
]

LIBRARIES: Final = ("licence", "terms")
MARKETS: Final[tuple[str, ...]] = get_args(Market)
Para = Annotated[str, Field(min_length=3, max_length=4000)]
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Variable(_Model):
    """A number or choice a clause reads as ``v.<name>``, with the default drafted in brackets."""

    kind: Literal["money", "number", "percent", "days", "months", "years", "text", "choice"]
    description: OneLine
    default: int | float | str
    choices: tuple[str, ...] = ()


class Position(_Model):
    """One side's (or the balanced) wording of a topic."""

    summary: OneLine = Field(description="What this position does, one line, our own words.")
    text: tuple[Para, ...] = Field(min_length=1, description="Paragraphs, Jinja2 templates.")
    why: OneLine = Field(description="Why the side that prefers it wants it.")
    concern: OneLine = Field(description="What the other side objects to.")
    defines: dict[str, Para] = Field(default_factory=dict, description="Defined terms.")
    cites: tuple[str, ...] = ()


class JurisdictionNote(_Model):
    """Where a market changes the drafting: a note for counsel and optional extra paragraphs."""

    markets: tuple[Market, ...] = Field(min_length=1)
    note: OneLine
    text: tuple[Para, ...] = ()
    cites: tuple[str, ...] = Field(min_length=1)


class OneSidedRule(_Model):
    """A clause is one-sided ``against`` a side when all ``all_of`` match and no ``none_of``."""

    against: str
    all_of: tuple[str, ...] = Field(min_length=1)
    none_of: tuple[str, ...] = ()
    comment: OneLine


class ReviewSpec(_Model):
    """How the reviewer finds the topic: heading patterns, body phrases, one-sided rules."""

    headings: tuple[str, ...] = Field(min_length=1)
    phrases: tuple[str, ...] = Field(min_length=1)
    one_sided: tuple[OneSidedRule, ...] = ()


class Topic(_Model):
    """One topic an agreement must settle, with three positions."""

    id: str
    title: OneLine
    order: int = Field(ge=1, le=999)
    core: StrictBool = Field(description="True when an agreement without it is incomplete.")
    summary: OneLine
    why_it_matters: OneLine
    positions: dict[str, Position]
    defines: dict[str, Para] = Field(default_factory=dict, description="Terms every position uses.")
    variables: dict[str, Variable] = Field(default_factory=dict)
    jurisdictions: tuple[JurisdictionNote, ...] = ()
    review: ReviewSpec
    cites: tuple[str, ...] = ()


class LibraryInfo(_Model):
    """``library.yaml``: what the library drafts and for which two sides."""

    id: str
    title: OneLine
    sides: tuple[str, str]
    side_titles: dict[str, OneLine]
    preamble: tuple[Para, ...] = ()
    variables: dict[str, Variable] = Field(default_factory=dict)


class ClauseLibrary:
    """A validated library: its info, its topics in clause order, and the citations behind it."""

    def __init__(self, info: LibraryInfo, topics: list[Topic], citations: Citations) -> None:
        self.info = info
        self.topics = sorted(topics, key=lambda t: t.order)
        self._by_id = {t.id: t for t in self.topics}
        self.citations = citations

    def __iter__(self) -> Iterator[Topic]:
        return iter(self.topics)

    def __len__(self) -> int:
        return len(self.topics)

    def __contains__(self, topic_id: object) -> bool:
        return topic_id in self._by_id

    @property
    def positions(self) -> tuple[str, str, str]:
        """Return the position names, one side's extreme to the other's."""
        return (self.info.sides[0], "balanced", self.info.sides[1])

    def topic(self, topic_id: str) -> Topic:
        """Return a topic; raise KeyError naming the known ids when absent."""
        try:
            return self._by_id[topic_id]
        except KeyError:
            raise KeyError(f"no topic {topic_id!r}; known: {', '.join(self._by_id)}") from None

    def other(self, side: str) -> str:
        """Return the other side's name."""
        a, b = self.info.sides
        return b if side == a else a

    def value(self, side: str, position: str) -> int:
        """Return how good ``position`` is for ``side``: 2 its own, 1 balanced, 0 the other's."""
        return 2 if position == side else 1 if position == "balanced" else 0

    def variables(self) -> dict[str, Variable]:
        """Return every variable: the library's shared ones and each topic's."""
        merged = dict(self.info.variables)
        for t in self.topics:
            merged.update(t.variables)
        return merged


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:4]:
        where = ".".join(str(p) for p in err["loc"]) or "entry"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def _read(path: Path) -> Any:
    try:
        return load_yaml(path.read_bytes().decode("utf-8"), unique_keys=True)
    except OSError as exc:
        raise KnowledgeBaseError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise KnowledgeBaseError(f"not valid UTF-8 at byte {exc.start}", path=path) from exc
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise KnowledgeBaseError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc


def _refs(source: str) -> set[str]:
    from jinja2 import nodes

    tree = environment().parse(source)
    found = set()
    for call in tree.find_all(nodes.Call):
        if isinstance(call.node, nodes.Name) and call.node.name == "ref":
            for arg in call.args:
                if isinstance(arg, nodes.Const) and isinstance(arg.value, str):
                    found.add(arg.value)
    return found


def _check_templates(
    topic: Topic, info: LibraryInfo, citations: Citations
) -> tuple[list[str], set[str]]:
    """Return (problems, topic ids referenced by ``ref``) of one topic's templates."""
    problems: list[str] = []
    refs: set[str] = set()
    declared = set(info.variables) | set(topic.variables)
    texts: list[tuple[str, str]] = [(f"defines.{k}", t) for k, t in topic.defines.items()]
    for name, pos in topic.positions.items():
        texts += [(f"positions.{name}.text", t) for t in pos.text]
        texts += [(f"positions.{name}.defines.{k}", t) for k, t in pos.defines.items()]
    for i, note in enumerate(topic.jurisdictions):
        texts += [(f"jurisdictions.{i}.text", t) for t in note.text]
    for where, text in texts:
        try:
            top, attrs = template_names(text)
            refs |= _refs(text)
        except TemplateError as exc:
            problems.append(f"{where}: template does not parse: {exc}")
            continue
        if top - CONTEXT_NAMES:
            problems.append(f"{where}: unknown names {sorted(top - CONTEXT_NAMES)}")
        if attrs - declared:
            problems.append(f"{where}: undeclared variables {sorted(attrs - declared)}")
    cites = list(topic.cites)
    for pos in topic.positions.values():
        cites += pos.cites
    for note in topic.jurisdictions:
        cites += note.cites
    missing = sorted({c for c in cites if c not in citations})
    if missing:
        problems.append(f"cites ids that are neither sources nor law entries: {missing}")
    patterns = list(topic.review.headings) + list(topic.review.phrases)
    for rule in topic.review.one_sided:
        patterns += list(rule.all_of) + list(rule.none_of)
        if rule.against not in info.sides:
            problems.append(f"review.one_sided: against {rule.against!r} is not a side")
    for pattern in patterns:
        try:
            re.compile(pattern, re.IGNORECASE)
        except re.error as exc:
            problems.append(f"review: bad pattern {pattern!r}: {exc}")
    return problems, refs


def check_library(
    root: str | Path, citations: Citations | None = None
) -> tuple[ClauseLibrary | None, list[KnowledgeBaseError]]:
    """Return the library under ``root`` (None if unusable) and every problem, file by file."""
    root = Path(root)
    citations = citations or default_citations()
    problems: list[KnowledgeBaseError] = []
    info_path = root / "library.yaml"
    try:
        info = LibraryInfo.model_validate(_read(info_path))
    except KnowledgeBaseError as exc:
        return None, [exc]
    except ValidationError as exc:
        return None, [KnowledgeBaseError(_summarise(exc), path=info_path)]
    expected = {info.sides[0], "balanced", info.sides[1]}
    topics: list[Topic] = []
    paths: dict[str, Path] = {}
    all_refs: dict[str, set[str]] = {}
    for path in sorted(root.glob("*.yaml")):
        if path.name == "library.yaml":
            continue
        try:
            topic = Topic.model_validate(_read(path))
        except KnowledgeBaseError as exc:
            problems.append(exc)
            continue
        except ValidationError as exc:
            problems.append(KnowledgeBaseError(_summarise(exc), path=path))
            continue
        found: list[str] = []
        if topic.id != path.stem or not _ID.match(topic.id):
            found.append(f"id {topic.id!r} must be snake_case and equal the file name")
        if set(topic.positions) != expected:
            found.append(f"positions must be exactly {sorted(expected)}")
        more, refs = _check_templates(topic, info, citations)
        found += more
        if found:
            problems.append(KnowledgeBaseError("; ".join(found), path=path))
            continue
        topics.append(topic)
        paths[topic.id] = path
        all_refs[topic.id] = refs
    orders: dict[int, str] = {}
    definitions: dict[str, str] = {}
    for topic in topics:
        if topic.order in orders:
            problems.append(
                KnowledgeBaseError(
                    f"order {topic.order} also used by {orders[topic.order]}", path=paths[topic.id]
                )
            )
        orders[topic.order] = topic.id
        dangling = sorted(all_refs[topic.id] - set(paths))
        if dangling:
            problems.append(
                KnowledgeBaseError(f"ref() names unknown topics {dangling}", path=paths[topic.id])
            )
        terms = set(topic.defines)
        for pos in topic.positions.values():
            terms |= set(pos.defines)
        for term in sorted(terms):
            owner = definitions.setdefault(term, topic.id)
            if owner != topic.id:
                problems.append(
                    KnowledgeBaseError(
                        f"defined term {term!r} is also defined by {owner}", path=paths[topic.id]
                    )
                )
    if not topics and not problems:
        problems.append(KnowledgeBaseError("no topics found", path=root))
    return ClauseLibrary(info, topics, citations), problems


def load_library(root: str | Path) -> ClauseLibrary:
    """Return the library under ``root``, fully validated; raise KnowledgeBaseError otherwise."""
    library, problems = check_library(root)
    if problems or library is None:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise KnowledgeBaseError(first.reason + more, path=first.path)
    return library


@functools.cache
def default_library(kind: str = "licence") -> ClauseLibrary:
    """Return a shipped library (``licence`` or ``terms``), loaded once per process."""
    if kind not in LIBRARIES:
        raise KnowledgeBaseError(f"no clause library {kind!r}; one of {', '.join(LIBRARIES)}")
    return load_library(CLAUSES_ROOT / kind)
