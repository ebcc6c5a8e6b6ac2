# SPDX-License-Identifier: Apache-2.0
"""The legal knowledge base: one YAML file per authority under ``data/law/<market>/<id>.yaml``.

Each entry is a statute, regulation, case, guidance, treaty, bill, settlement or report that
bears on AI training or AI output, with its citation, body, date, status, effective dates, a
one-line holding in our own words, topics, a source URL, the date it was last checked and
whether it was verified against that source. The schema is ``LawEntry``; ``load_knowledge_base``
reads and cross-checks a directory of entries and raises ``RuleError`` naming the bad file.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import logging
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal, get_args

import yaml
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from clearance.errors import InputError, RuleError
from clearance.models import TimelineEvent
from clearance.yamlio import load_yaml

__all__ = [
    "ENTRY_TYPES",
    "LAYERS",
    "MARKETS",
    "STATUSES",
    "TOPICS",
    "SHIPPED_ROOT",
    "EntryType",
    "KnowledgeBase",
    "LawEntry",
    "Market",
    "PENDING",
    "PrimaryBasis",
    "Status",
    "Step",
    "Topic",
    "check_knowledge_base",
    "default_knowledge_base",
    "load_knowledge_base",
    "read_entry",
]

logger = logging.getLogger(__name__)

Market = Literal[
    "us", "eu", "de", "uk", "jp", "cn", "sg", "kr", "in", "ca", "au", "il", "br", "ch", "hk",
    "tw", "fr", "it", "nl",
]  # fmt: skip
EntryType = Literal[
    "statute", "regulation", "case", "guidance", "treaty", "bill", "settlement", "report"
]
Status = Literal["in_force", "pending", "decided", "appealed", "settled", "proposed", "repealed"]
Topic = Literal[
    "training", "tdm_exception", "fair_use", "database_right", "personal_data", "publicity",
    "output_infringement", "authorship", "transparency", "ai_act",
]  # fmt: skip

#: The 16 launch markets; ``fr``, ``it`` and ``nl`` are member-state layers on ``eu``.
MARKETS: Final[tuple[str, ...]] = (
    "us", "eu", "de", "uk", "jp", "cn", "sg", "kr", "in", "ca", "au", "il", "br", "ch", "hk",
    "tw",
)  # fmt: skip
#: Which market's law a market layers on (member states on the EU).
LAYERS: Final[dict[str, str]] = {"de": "eu", "fr": "eu", "it": "eu", "nl": "eu"}
ENTRY_TYPES: Final[tuple[str, ...]] = get_args(EntryType)
STATUSES: Final[tuple[str, ...]] = get_args(Status)
#: Statuses of matters that can still move, and so must be re-checked (``clearance law review``).
PENDING: Final[frozenset[str]] = frozenset({"pending", "appealed", "proposed"})
TOPICS: Final[tuple[str, ...]] = get_args(Topic)

#: Where the shipped entries live.
SHIPPED_ROOT: Final[Path] = Path(__file__).resolve().parent.parent / "data" / "law"

_ID = re.compile(r"^[a-z]{2}-[a-z]+-[a-z0-9]+(?:-[a-z0-9]+)*$")
_URL = re.compile(r"^https?://[^\s/]+\.[^\s/]+(?:/\S*)?$")
# Which statuses make sense for which kind of authority; anything else is a data-entry slip.
_STATUS_BY_TYPE: Final[dict[str, frozenset[str]]] = {
    "statute": frozenset({"in_force", "pending", "proposed", "repealed"}),
    "regulation": frozenset({"in_force", "pending", "proposed", "repealed"}),
    "treaty": frozenset({"in_force", "pending", "proposed", "repealed"}),
    "bill": frozenset({"pending", "proposed", "repealed", "in_force"}),
    "case": frozenset({"pending", "decided", "appealed", "settled"}),
    "settlement": frozenset({"pending", "settled", "decided", "appealed"}),
    "guidance": frozenset({"in_force", "proposed", "repealed", "pending"}),
    "report": frozenset({"in_force", "proposed", "repealed", "pending"}),
}


def _iso_date(value: Any) -> dt.date:
    """Return ``value`` as a date; accept only a YAML date or a ``YYYY-MM-DD`` string."""
    if isinstance(value, dt.datetime):
        raise ValueError("expected a date (YYYY-MM-DD), got a date-time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        return dt.date.fromisoformat(value.strip())
    raise ValueError(f"expected an ISO date YYYY-MM-DD, got {value!r}")


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
OneLine = Annotated[str, Field(min_length=3, max_length=600, pattern=r"^[^\n\r]+$")]
Url = Annotated[str, Field(pattern=_URL.pattern, max_length=2000)]
#: How a primary link was established (``LawEntry.primary_basis``).
PrimaryBasis = Literal["read", "cited", "scheme"]


class Step(BaseModel):
    """One procedural step of a matter (filed, ruled, appealed, consolidated, lifted, ...)."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    date: IsoDate = Field(description="When the step happened.")
    precision: Literal["day", "month", "year"] = Field(
        default="day", description="How much of `date` is known; 'month' means day 1 stands in."
    )
    step: OneLine = Field(description="What happened, one line, our own words.")
    source: Url = Field(description="Public page that reports the step (primary text first).")


class LawEntry(BaseModel):
    """One legal authority (statute, case, guidance, ...) as it stood when last checked."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    id: str = Field(description="<market>-<type>-<slug>; equals the file name without .yaml.")
    market: Market = Field(description="Market whose law this is; de/fr/it/nl layer on eu.")
    type: EntryType = Field(description="Kind of authority.")
    title: OneLine = Field(description="Name of the instrument or case.")
    citation: OneLine = Field(description="Official citation, docket or article number.")
    body: OneLine = Field(description="Court, legislature, regulator or office that issued it.")
    date: IsoDate = Field(description="Decision, adoption, publication or filing date.")
    date_precision: Literal["day", "month", "year"] = Field(
        default="day", description="How much of `date` is known; 'month' means day 1 stands in."
    )
    status: Status = Field(description="Where it stands as of `checked`.")
    effective_from: IsoDate | None = Field(default=None, description="Applies from (inclusive).")
    effective_to: IsoDate | None = Field(default=None, description="Applies until (inclusive).")
    holding: OneLine = Field(description="What it holds or requires, one line, our own words.")
    topics: tuple[Topic, ...] = Field(min_length=1, description="Subjects it bears on.")
    source_url: Url = Field(description="Public page the entry was checked against.")
    more_sources: tuple[Url, ...] = Field(default=(), description="Further pages consulted.")
    primary_url: Url | None = Field(
        default=None,
        description="The primary text: legislation from the legislature or gazette, the judgment "
        "from the court, official reporter or a free law institute, guidance from its issuer.",
    )
    primary_confirmed: StrictBool = Field(
        default=False,
        description="True only when a stored public source showed that `primary_url` is the "
        "official copy of this authority (see `primary_basis`).",
    )
    primary_basis: PrimaryBasis | None = Field(
        default=None,
        description="How `primary_url` was established: 'read' (a stored copy of that page was "
        "read and matches), 'cited' (stored sources show that exact URL as the official copy; "
        "named in `primary_note`), 'scheme' (built from a documented identifier scheme: never "
        "confirmed). None with a confirmed link means 'read'.",
    )
    primary_note: OneLine | None = Field(
        default=None,
        description="Why there is no confirmed primary link (none published, not found, ...), or "
        "where a 'cited' or 'scheme' link was seen.",
    )
    steps: tuple[Step, ...] = Field(
        default=(), description="Procedural history, oldest first; the last is the latest step."
    )
    checked: IsoDate = Field(description="Date the entry was last checked against its source.")
    verified: StrictBool = Field(description="False when a fact could not be confirmed.")
    notes: str | None = Field(default=None, description="What is unconfirmed, caveats.")
    related: tuple[str, ...] = Field(default=(), description="Ids of appeals, successors, ...")

    @model_validator(mode="after")
    def _consistent(self) -> LawEntry:
        if not _ID.match(self.id):
            raise ValueError(f"id {self.id!r} is not <market>-<type>-<slug> in lower case")
        prefix = f"{self.market}-{self.type}-"
        if not self.id.startswith(prefix):
            raise ValueError(f"id {self.id!r} must start with {prefix!r} (market and type)")
        if self.status not in _STATUS_BY_TYPE[self.type]:
            raise ValueError(f"status {self.status!r} does not fit type {self.type!r}")
        if self.effective_from and self.effective_to and self.effective_to < self.effective_from:
            raise ValueError("effective_to is before effective_from")
        if self.date > self.checked:
            raise ValueError(f"date {self.date} is after the date it was checked ({self.checked})")
        if len(set(self.topics)) != len(self.topics):
            raise ValueError("topics repeat")
        if self.id in self.related or len(set(self.related)) != len(self.related):
            raise ValueError("related lists the entry itself or repeats an id")
        if not self.verified and not (self.notes and self.notes.strip()):
            raise ValueError("an unverified entry needs notes saying what is unconfirmed")
        if self.primary_confirmed and self.primary_url is None:
            raise ValueError("primary_confirmed needs a primary_url")
        if self.primary_url is not None and not self.primary_confirmed and not self.primary_note:
            raise ValueError("an unconfirmed primary_url needs primary_note saying what is unsure")
        if self.primary_basis is not None and self.primary_url is None:
            raise ValueError("primary_basis needs a primary_url")
        if self.primary_basis == "scheme" and self.primary_confirmed:
            raise ValueError("a primary_url built from an identifier scheme is never confirmed")
        if self.primary_basis in ("cited", "scheme") and not self.primary_note:
            raise ValueError(
                f"a {self.primary_basis!r} primary_url needs primary_note naming "
                "where the URL or its identifier was seen"
            )
        if self.primary_url is not None and self.primary_url in self.more_sources:
            raise ValueError("primary_url repeats a more_sources entry")
        dates = [s.date for s in self.steps]
        if dates != sorted(dates):
            raise ValueError("steps are not in date order")
        if dates and dates[-1] > self.checked:
            raise ValueError(f"a step ({dates[-1]}) is after the date checked ({self.checked})")
        return self

    @property
    def latest_step(self) -> Step | None:
        """Return the most recent procedural step, or None when none is recorded."""
        return self.steps[-1] if self.steps else None

    @property
    def pending(self) -> bool:
        """Return True when the matter can still move (pending, appealed or proposed)."""
        return self.status in PENDING

    @property
    def layer_of(self) -> str | None:
        """Return the market this entry's market layers on (``eu`` for ``de``), or None."""
        return LAYERS.get(self.market)

    def in_effect(self, on: dt.date) -> bool:
        """Return True when the entry's effective window (if any) contains ``on``."""
        if self.effective_from is not None and on < self.effective_from:
            return False
        return not (self.effective_to is not None and on > self.effective_to)

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a JSON-ready dict (dates as ISO strings)."""
        return self.model_dump(mode="json")


class KnowledgeBase:
    """A validated set of law entries, with the queries the CLI and the engine need."""

    __slots__ = ("_entries",)

    def __init__(self, entries: Mapping[str, LawEntry]) -> None:
        self._entries = dict(sorted(entries.items()))

    def __len__(self) -> int:
        return len(self._entries)

    def __iter__(self) -> Iterator[LawEntry]:
        return iter(self._entries.values())

    def __contains__(self, entry_id: object) -> bool:
        return entry_id in self._entries

    @property
    def as_of(self) -> dt.date:
        """Return the knowledge base's as-of date: the latest date any entry was checked."""
        return max(e.checked for e in self._entries.values())

    @property
    def markets(self) -> tuple[str, ...]:
        """Return the markets that have at least one entry, sorted."""
        return tuple(sorted({e.market for e in self._entries.values()}))

    def get(self, entry_id: str) -> LawEntry:
        """Return the entry with this id; raise InputError suggesting near ids when absent."""
        try:
            return self._entries[entry_id]
        except KeyError:
            near = difflib.get_close_matches(entry_id, self._entries, n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            raise InputError(f"no knowledge-base entry {entry_id!r}{hint}") from None

    def referenced_by(self, entry_id: str) -> list[LawEntry]:
        """Return the entries whose ``related`` lists ``entry_id``."""
        return [e for e in self._entries.values() if entry_id in e.related]

    def select(
        self,
        *,
        market: str | None = None,
        topic: str | None = None,
        status: str | None = None,
        type: str | None = None,
        layers: bool = True,
    ) -> list[LawEntry]:
        """Return matching entries, oldest first; ``layers`` adds the EU layer under de/fr/it/nl.

        Raises InputError for a market, topic, status or type outside the vocabulary.
        """
        markets = _markets(market, layers)
        _check("topic", topic, TOPICS)
        _check("status", status, STATUSES)
        _check("type", type, ENTRY_TYPES)
        found = [
            e
            for e in self._entries.values()
            if (markets is None or e.market in markets)
            and (topic is None or topic in e.topics)
            and (status is None or e.status == status)
            and (type is None or e.type == type)
        ]
        return sorted(found, key=lambda e: (e.date, e.id))

    def timeline(
        self,
        *,
        market: str | None = None,
        topic: str | None = None,
        since: dt.date | None = None,
        until: dt.date | None = None,
        layers: bool = True,
    ) -> list[TimelineEvent]:
        """Return dated events (issued, applies from, applies until), oldest first."""
        events: list[TimelineEvent] = []
        for e in self.select(market=market, topic=topic, layers=layers):
            dates = [("issued", e.date)]
            if e.effective_from is not None and e.effective_from != e.date:
                dates.append(("applies_from", e.effective_from))
            if e.effective_to is not None:
                dates.append(("applies_until", e.effective_to))
            for event, when in dates:
                if (since is None or when >= since) and (until is None or when <= until):
                    events.append(
                        TimelineEvent(
                            date=when,
                            event=event,
                            entry_id=e.id,
                            market=e.market,
                            title=e.title,
                            status=e.status,
                            verified=e.verified,
                        )
                    )
        return sorted(events, key=lambda ev: (ev.date, ev.market, ev.entry_id, ev.event))


def _markets(market: str | None, layers: bool) -> set[str] | None:
    if market is None:
        return None
    market = market.strip().lower()
    _check("market", market, get_args(Market))
    parent = LAYERS.get(market)
    return {market, parent} if layers and parent else {market}


def _check(what: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InputError(f"unknown {what} {value!r}; one of: {', '.join(allowed)}")




def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "entry"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def read_entry(path: str | Path) -> LawEntry:
    """Return the entry in one YAML file; raise RuleError naming the file when it is invalid.

    Checks what one file can show: YAML syntax, the schema, id = file name and market =
    directory name. Cross-entry checks (related ids, duplicates) are ``load_knowledge_base``'s.
    """
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise RuleError(f"cannot read: {exc.strerror or exc}", path=path) from exc
    except UnicodeDecodeError as exc:
        raise RuleError(f"not valid UTF-8 at byte {exc.start}", path=path) from exc
    try:
        data = load_yaml(text, unique_keys=True)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        # PyYAML raises ValueError for impossible dates such as 2025-02-30
        raise RuleError(f"invalid YAML: {exc}".replace("\n", " "), path=path) from exc
    if not isinstance(data, dict):
        raise RuleError("expected a mapping of entry fields", path=path)
    try:
        entry = LawEntry.model_validate(data)
    except ValidationError as exc:
        raise RuleError(_summarise(exc), path=path) from exc
    if entry.id != path.stem:
        raise RuleError(f"id {entry.id!r} does not match the file name {path.name!r}", path=path)
    if entry.market != path.parent.name:
        raise RuleError(
            f"market {entry.market!r} does not match its directory {path.parent.name!r}", path=path
        )
    return entry


def check_knowledge_base(root: str | Path) -> tuple[dict[str, LawEntry], list[RuleError]]:
    """Return the valid entries under ``root`` (by id) and every problem found, file by file."""
    root = Path(root)
    entries: dict[str, LawEntry] = {}
    paths: dict[str, Path] = {}
    problems: list[RuleError] = []
    if not root.is_dir():
        return entries, [RuleError("knowledge-base directory not found", path=root)]
    for sub in sorted(p for p in root.iterdir() if p.is_dir()):
        if sub.name not in get_args(Market):
            problems.append(RuleError(f"{sub.name!r} is not a known market", path=sub))
            continue
        for path in sorted(sub.iterdir()):
            if path.suffix in {".yml", ".json"}:
                problems.append(RuleError("entries are .yaml files", path=path))
            if path.suffix != ".yaml":
                continue
            try:
                entry = read_entry(path)
            except RuleError as exc:
                problems.append(exc)
                continue
            if entry.id in entries:
                problems.append(RuleError(f"duplicate id, also in {paths[entry.id]}", path=path))
                continue
            entries[entry.id] = entry
            paths[entry.id] = path
    for entry_id, entry in entries.items():
        missing = [r for r in entry.related if r not in entries]
        if missing:
            problems.append(
                RuleError(f"related ids not in the knowledge base: {missing}", path=paths[entry_id])
            )
    if not entries and not problems:
        problems.append(RuleError("no entries found", path=root))
    return entries, problems


def load_knowledge_base(root: str | Path | None = None) -> KnowledgeBase:
    """Return the knowledge base under ``root`` (default: the shipped one), fully validated.

    Raises ``RuleError`` naming the first bad file; its message counts any further problems.
    """
    if root is None:
        return default_knowledge_base()
    entries, problems = check_knowledge_base(root)
    if problems:
        first = problems[0]
        more = f" (and {len(problems) - 1} more problems)" if len(problems) > 1 else ""
        raise RuleError(first.reason + more, path=first.path)
    logger.debug("loaded %d law entries from %s", len(entries), root)
    return KnowledgeBase(entries)


@functools.cache
def default_knowledge_base() -> KnowledgeBase:
    """Return the shipped knowledge base (``clearance/data/law``), loaded once per process."""
    return load_knowledge_base(SHIPPED_ROOT)
