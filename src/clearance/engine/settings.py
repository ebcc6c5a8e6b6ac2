# SPDX-License-Identifier: Apache-2.0
"""One settings object for every job of the engine: scan, gate and the facts they build.

:class:`ScanConfig` holds what the user said (manifest, output folder, markets, purpose,
policy, presumptions, evidence, lists) and where the work runs (``engine``, ``workers``,
``batch_rows``); the facts stage reads the same object (``purpose``, ``assumptions``,
``judged_on``, ``agent``, ``as_of_moment``, the loaded licence ``registry``). It is saved as
``scan.json`` beside a scan's outputs, without any path of this machine.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from clearance.assumptions import Assumptions
from clearance.config import FetchConfig
from clearance.engine.paths import shown_path
from clearance.enrich.agreements import AgreementRegistry
from clearance.errors import InputError
from clearance.ingest.manifest import OnError
from clearance.law import all_markets

__all__ = ["DEFAULT_BATCH_ROWS", "DEFAULT_MARKETS", "ENGINES", "ScanConfig", "parse_markets"]

#: Markets judged when ``--markets`` is not given (scan, assess and gate alike).
DEFAULT_MARKETS: tuple[str, ...] = ("us", "eu", "uk", "jp", "cn", "sg")
#: Rows per batch: the unit of work of a worker, and a row group of every table written.
DEFAULT_BATCH_ROWS = 1 << 16
#: Where batches run: local worker processes, or a Ray cluster (``clearance[ray]``).
ENGINES = ("local", "ray")
UTC = dt.UTC


def parse_markets(text: str | Sequence[str] | None) -> tuple[str, ...]:
    """Return the markets a ``--markets`` value names (``all`` for every market).

    Raises InputError for an empty list or a market the law engine does not know.
    """
    if text is None:
        return DEFAULT_MARKETS
    items = text.split(",") if isinstance(text, str) else list(text)
    names = [m.strip().lower() for m in items if m.strip()]
    if names == ["all"]:
        return all_markets()
    known = all_markets()
    bad = [m for m in names if m not in known]
    if bad:
        raise InputError(f"--markets: unknown market(s) {', '.join(bad)}; known: "
                         f"{', '.join(known)} (or all)")
    if not names:
        raise InputError("--markets: name at least one market (e.g. us,eu) or all")
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class ScanConfig:
    """Everything a scan or a gate needs, and what the facts stage reads.

    ``mode`` is ``scan`` (facts, assessment, reports) or ``gate`` (decisions, gate.json);
    both run the same streaming engine. ``as_of`` judges the law, waivers and "reserved now"
    (a date: the end of that day in UTC; None: now). ``registry`` is the loaded licence
    registry of ``agreements`` (set by the engine). ``database_threshold`` is the number of
    items from one registrable domain from which extraction is read as substantial (EU
    database right). ``engine``, ``workers``, ``ray_address`` and ``batch_rows`` only decide
    where and in what slices the work runs: results are the same.
    """

    manifest: str = ""
    out: Path = Path(".")
    markets: tuple[str, ...] = DEFAULT_MARKETS
    purpose: str = "genai_training"
    org_type: str = "company"
    policy: str | None = None
    waivers: Path | None = None
    snapshots: tuple[Path, ...] = ()
    live: bool = False
    as_of: dt.date | None = None
    mapping: Mapping[str, str] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    on_error: OnError = "skip"
    fmt: str | None = None
    assumptions: Assumptions = Assumptions()
    database_threshold: int = 5000
    presume_earlier: bool = False
    fetch: FetchConfig | None = None
    blocklists: tuple[Path, ...] = ()
    default_blocklists: bool = True
    known_works: tuple[Path, ...] = ()
    hash_images: bool = True
    takedowns: Path | None = None
    record_takedowns: bool = True
    agreements: Path | None = None
    categories: Path | None = None
    memorization_tables: tuple[Path, ...] = ()
    reports: bool = True
    force: bool = False
    resume: bool = False
    follow_symlinks: bool = False
    mode: str = "scan"
    engine: str = "local"
    workers: int | None = None
    ray_address: str | None = None
    batch_rows: int = DEFAULT_BATCH_ROWS
    registry: AgreementRegistry | None = None

    @property
    def as_of_moment(self) -> dt.datetime | None:
        """Return the moment 'now' is judged at: the end of ``as_of`` (UTC), or None."""
        if self.as_of is None:
            return None
        if isinstance(self.as_of, dt.datetime):
            return self.as_of if self.as_of.tzinfo else self.as_of.replace(tzinfo=UTC)
        return dt.datetime.combine(self.as_of, dt.time(23, 59, 59), tzinfo=UTC)

    @property
    def judged_on(self) -> dt.date:
        """Return the date agreements and 'now' are judged on (as_of, else today)."""
        return (self.as_of_moment or dt.datetime.now(UTC)).date()

    @property
    def agent(self) -> str | None:
        """Return the crawler token robots.txt is read for (None: any AI crawler)."""
        return self.assumptions.agent

    def check(self) -> None:
        """Raise InputError for a value no job can run with (engine, workers, batch size)."""
        if self.engine not in ENGINES:
            raise InputError(f"--engine {self.engine!r}: choose one of {', '.join(ENGINES)}")
        if self.workers is not None and self.workers < 1:
            raise InputError(f"--workers {self.workers}: at least 1")
        if self.batch_rows < 1:
            raise InputError(f"--batch-rows {self.batch_rows}: at least 1")
        if self.mode not in ("scan", "gate"):
            raise InputError(f"mode {self.mode!r}: scan or gate")

    def to_json(self) -> dict[str, Any]:
        """Return the configuration as JSON-ready data, with no absolute path of this machine."""
        data = {f: getattr(self, f) for f in self.__dataclass_fields__ if f != "registry"}
        data["manifest"] = shown_path(self.manifest, self.out)
        data["out"] = "."
        data["snapshots"] = [Path(p).name for p in self.snapshots]
        data["blocklists"] = [Path(p).name for p in self.blocklists]
        data["known_works"] = [Path(p).name for p in self.known_works]
        data["takedowns"] = Path(self.takedowns).name if self.takedowns else None
        data["waivers"] = Path(self.waivers).name if self.waivers else None
        data["agreements"] = Path(self.agreements).name if self.agreements else None
        data["categories"] = Path(self.categories).name if self.categories else None
        data["memorization_tables"] = [Path(p).name for p in self.memorization_tables]
        data["as_of"] = self.as_of.isoformat() if self.as_of else None
        data["mapping"] = dict(self.mapping)
        data["defaults"] = dict(self.defaults)
        data["fetch"] = asdict(self.fetch) if self.fetch else None
        data["assumptions"] = self.assumptions.to_dict()
        data["markets"] = list(self.markets)
        # where the work ran changes nothing in the results: not part of the configuration
        for key in ("force", "resume", "follow_symlinks", "mode", "engine", "workers",
                    "ray_address", "batch_rows"):
            data.pop(key, None)
        return data
