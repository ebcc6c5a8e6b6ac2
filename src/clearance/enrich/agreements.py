# SPDX-License-Identifier: Apache-2.0
"""The licence registry: agreements the user holds, and the items each one covers.

Counsel declares the data licence agreements in a YAML file (``--agreements``)::

    agreements:
      - id: LA-2025-017                     # letters, digits, '.', '_' and '-'
        counterparty: Stock Partner Ltd
        title: AI training data licence      # optional
        reference: contract register 4711    # optional
        term: {start: 2025-01-01, end: 2027-12-31}
        territory: worldwide                 # or a list of markets: [us, eu, uk]
        uses: [genai_training, commercial_training, research_training, fine_tuning]
        conditions: [attribution]            # optional: duties the agreement imposes
        covers:                               # any of these selects an item
          datasets: [stock-partner-licensed]
          domains: [partner.example]         # registrable domains
          prefixes: ["https://cdn.partner.example/", "s3://acme/partner/"]

An item covered by an agreement takes it as its licence (``LicenseRef-agreement-<id>``) when
the agreement grants the scan's use on the judgment date; otherwise its own licence stays and
``agreement_id`` still names the agreement. ``agreement_markets`` lists the territory (null:
worldwide): in markets outside it the agreement grants nothing. The first matching agreement
in file order wins. Everything here is what the user states: the report says so, and it
cannot verify that the counterparty holds the rights it licensed.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Literal

import polars as pl
import pyarrow as pa
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from clearance.enrich.licenses.schema import USES
from clearance.errors import InputError
from clearance.yamlio import load_yaml

__all__ = [
    "AGREEMENT_PREFIX",
    "Agreement",
    "AgreementRegistry",
    "apply_agreements",
    "load_agreements",
]

AGREEMENT_PREFIX = "LicenseRef-agreement-"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Strict):
    """When the agreement runs (either end may be open)."""

    start: dt.date | None = None
    end: dt.date | None = None


class Covers(_Strict):
    """Which items the agreement covers: by dataset name, registrable domain or prefix."""

    datasets: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    @field_validator("domains")
    @classmethod
    def _lower(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(d.strip().lower().rstrip(".") for d in v)


class Agreement(_Strict):
    """One data licence agreement, as the user declares it."""

    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    counterparty: Annotated[str, Field(min_length=1)]
    title: str = ""
    reference: str = ""
    term: Term = Term()
    territory: Literal["worldwide"] | tuple[str, ...] = "worldwide"
    uses: tuple[str, ...] = Field(min_length=1)
    conditions: tuple[str, ...] = ()
    covers: Covers

    @field_validator("uses")
    @classmethod
    def _known_uses(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        bad = [u for u in v if u not in USES]
        if bad:
            raise ValueError(f"unknown use(s) {bad}; uses: {', '.join(USES)}")
        return v

    @property
    def license_id(self) -> str:
        """Return the licence id items covered by it take."""
        return f"{AGREEMENT_PREFIX}{self.id}"

    def grants(self, use: str, on: dt.date) -> bool:
        """Return whether the agreement grants ``use`` on ``on``."""
        if use not in self.uses:
            return False
        if self.term.start is not None and on < self.term.start:
            return False
        return self.term.end is None or on <= self.term.end

    def markets(self) -> list[str] | None:
        """Return the markets of its territory (None: worldwide)."""
        return None if self.territory == "worldwide" else [m.lower() for m in self.territory]


class AgreementRegistry(_Strict):
    """The agreements of one registry file, in file order."""

    agreements: tuple[Agreement, ...] = ()
    source: str = ""

    def to_json(self) -> str:
        """Return the registry as JSON (kept beside the facts, so assess can re-apply it)."""
        return self.model_dump_json()

    @classmethod
    def from_json(cls, text: str | bytes | None) -> AgreementRegistry:
        """Return a registry from :meth:`to_json` output (empty for None)."""
        return cls.model_validate(json.loads(text)) if text else cls()

    def by_id(self, agreement_id: str) -> Agreement | None:
        """Return the agreement with this id, if any."""
        return next((a for a in self.agreements if a.id == agreement_id), None)


def load_agreements(path: str | Path) -> AgreementRegistry:
    """Return the registry in a YAML file; raise InputError naming the file and the problem."""
    path = Path(path)
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as exc:
        raise InputError(f"{path}: cannot read the agreements: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise InputError(f"{path}: expected a mapping with 'agreements: [...]'")
    try:
        registry = AgreementRegistry.model_validate({**data, "source": path.name})
    except ValidationError as exc:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]
        )
        raise InputError(f"{path}: invalid agreement registry: {where}") from None
    ids = [a.id for a in registry.agreements]
    if len(ids) != len(set(ids)):
        raise InputError(f"{path}: duplicate agreement ids")
    return registry


def _covered(frame: pl.DataFrame, registry: AgreementRegistry) -> pl.Expr:
    """Return an expression giving each row the id of the first agreement covering it."""
    expr: pl.Expr = pl.lit(None, dtype=pl.String)
    for agreement in reversed(registry.agreements):  # first in file order wins
        cov = agreement.covers
        hit = pl.lit(False)
        if cov.datasets and "dataset_name" in frame.columns:
            hit = hit | pl.col("dataset_name").cast(pl.String).is_in(list(cov.datasets))
        if cov.domains and "registrable_domain" in frame.columns:
            hit = hit | pl.col("registrable_domain").cast(pl.String).is_in(list(cov.domains))
        for prefix in cov.prefixes:
            for column in ("url", "file_path"):
                if column in frame.columns:
                    hit = hit | pl.col(column).cast(pl.String).str.starts_with(prefix)
        expr = pl.when(hit.fill_null(False)).then(pl.lit(agreement.id)).otherwise(expr)
    return expr


def apply_agreements(
    items: pa.Table, registry: AgreementRegistry, use: str, on: dt.date
) -> pa.Table:
    """Return ``items`` with ``agreement_id``, ``agreement_markets`` and the licence columns
    of covered items replaced by their agreement where it grants ``use`` on ``on``.

    ``license_permission_own``, ``license_effective_id_own`` and ``license_source_own`` keep
    each item's own licence (what stands where an agreement does not grant the use, and in
    markets outside its territory).
    """
    read = pl.from_arrow(items)
    assert isinstance(read, pl.DataFrame)
    frame: pl.DataFrame = read.with_columns(pl.col(pl.Categorical).cast(pl.String))
    frame = frame.with_columns(_covered(frame, registry).alias("agreement_id"))
    granting = [a.id for a in registry.agreements if a.grants(use, on)]
    grants = pl.col("agreement_id").is_in(granting).fill_null(False)
    names = set(frame.columns)

    def own(column: str) -> pl.Expr:
        if column in names:
            return pl.col(column).cast(pl.String)
        return pl.lit(None, dtype=pl.String)

    territory = {a.id: ",".join(a.markets() or []) or None for a in registry.agreements}
    conditions = {a.id: list(a.conditions) for a in registry.agreements}
    frame = frame.with_columns(
        own("license_permission").alias("license_permission_own"),
        own("license_effective_id").alias("license_effective_id_own"),
        own("license_source").alias("license_source_own"),
        pl.col("agreement_id").replace_strict(territory, default=None, return_dtype=pl.String)
        .alias("agreement_markets"),
    )
    updates: list[pl.Expr] = []
    for column, value in (
        ("license_effective_id", pl.lit(AGREEMENT_PREFIX) + pl.col("agreement_id")),
        ("license_source", pl.lit("agreement")),
        ("license_permission", pl.lit("allowed")),
        ("license_evidence", pl.lit("licence registry: ") + pl.col("agreement_id")),
    ):
        if column in frame.columns:
            updates.append(pl.when(grants).then(value)
                           .otherwise(pl.col(column).cast(pl.String)).alias(column))
    if "license_conditions" in frame.columns:
        updates.append(
            pl.when(grants)
            .then(pl.col("agreement_id").replace_strict(
                conditions, default=None, return_dtype=pl.List(pl.String)))
            .otherwise(pl.col("license_conditions").cast(pl.List(pl.String)))
            .alias("license_conditions"))
    if updates:
        frame = frame.with_columns(updates)
    return frame.to_arrow()
