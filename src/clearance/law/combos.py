# SPDX-License-Identifier: Apache-2.0
"""Distinct fact combinations of a table, and the classes of them a set of rules can tell apart.

Each fact column becomes small integer codes without building a string per row (booleans
0/1/2, dates bucketed by the dates any rule compares with, strings through an Enum cast);
the codes are packed into one integer per row, whose distinct values are the combinations.
Licence facts missing from the table are derived once per distinct (licence, purpose). A
market's rules then see only some of each column (the literals they name, the side of each
date they compare with), so combinations fall into far fewer classes, each judged once.
"""

from __future__ import annotations

import bisect
import datetime as dt
import logging
from collections.abc import Callable
from typing import Any, Final, TypeVar

import numpy as np
import polars as pl

from clearance.errors import FactsError
from clearance.law.conditions import date_thresholds
from clearance.law.engine import prepare
from clearance.law.facts import BOOL_FACTS, DATE_FACTS, FACT_KEYS, FREE_FACTS, UNKNOWN
from clearance.law.licence_facts import derive_license, terms_prohibit

__all__ = ["Combos"]

logger = logging.getLogger(__name__)

T = TypeVar("T")
#: The class label of a value no condition names (conditions cannot tell such values apart).
_OTHER: Final = "~other"


def _bool_codes(col: pl.Series) -> tuple[np.ndarray, list[str]]:
    codes = col.cast(pl.UInt8).fill_null(2).to_numpy()
    return codes, ["false", "true", UNKNOWN]


def _date_codes(col: pl.Series, cuts: tuple[dt.date, ...]) -> tuple[np.ndarray, list[str]]:
    if col.dtype == pl.String:
        col = col.str.slice(0, 10).str.to_date("%Y-%m-%d", strict=False)
    elif col.dtype != pl.Date:
        col = col.cast(pl.Date, strict=False)
    days = col.to_physical().fill_null(np.iinfo(np.int32).min).to_numpy().astype(np.int64)
    epoch = dt.date(1970, 1, 1)
    cut_days = np.array([(c - epoch).days for c in cuts], dtype=np.int64)
    codes = np.searchsorted(cut_days, days, side="right") + 1
    codes[days == np.iinfo(np.int32).min] = 0
    if not cuts:
        return codes, [UNKNOWN, "known"]
    reps = [(cuts[0] - dt.timedelta(days=1)).isoformat()] + [c.isoformat() for c in cuts]
    return codes, [UNKNOWN, *reps]


def _string_codes(col: pl.Series, key: str) -> tuple[np.ndarray, list[str]]:
    text = col.cast(pl.String)
    uniq = [v for v in text.unique(maintain_order=True).to_list() if v is not None]
    codes = text.cast(pl.Enum(uniq)).to_physical().fill_null(len(uniq)).to_numpy()
    labels = [v.strip() or UNKNOWN for v in uniq] + [UNKNOWN]
    if key in FREE_FACTS:
        labels = [v.lower() if v != UNKNOWN else v for v in labels]
    return codes, labels


def _literals(key: str, spec: Any) -> set[str]:
    if isinstance(spec, dict):
        spec = spec.get("not", [])
    items = spec if isinstance(spec, list) else [spec]
    out = set()
    for item in items:
        text = ("true" if item else "false") if isinstance(item, bool) else str(item)
        out.add(text.strip().lower() if key in FREE_FACTS else text)
    return out


def _class_of(key: str, value: str, specs: list[Any]) -> str:
    """Return the label of ``value``'s class: what every condition in ``specs`` can see of it."""
    if key in DATE_FACTS:
        if value in (UNKNOWN, "known"):
            return value
        day = dt.date.fromisoformat(value)
        cuts = sorted({dt.date.fromisoformat(str(d)) for spec in specs if isinstance(spec, dict)
                       for op, d in spec.items() if op in ("before", "on_or_after")})  # fmt: skip
        return f"after-{bisect.bisect_right(cuts, day)}-cuts"
    named = set().union(*(_literals(key, spec) for spec in specs))
    return value if value in named else _OTHER


class Combos:
    """The distinct fact combinations of a table, as digits per column, and each row's one."""

    def __init__(self, frame: pl.DataFrame, whens: list[dict[str, Any]]) -> None:
        self.columns: list[str] = []
        self.values: list[list[str]] = []
        codes: list[np.ndarray] = []
        for key in FACT_KEYS:
            if key not in frame.columns:
                continue
            col = frame[key]
            if col.dtype == pl.Object:
                raise FactsError(f"facts table: column {key!r} holds Python objects")
            if key in DATE_FACTS:
                code, labels = _date_codes(col, date_thresholds(whens, key))
            elif key in BOOL_FACTS and col.dtype == pl.Boolean:
                code, labels = _bool_codes(col)
            else:
                code, labels = _string_codes(col, key)
            self.columns.append(key)
            self.values.append(labels)
            codes.append(code)
        self.row_combo, digits = self._pack(codes, frame.height)
        self.digits = self._derive_licence(digits)
        self._prepared: dict[int, dict[str, Any]] = {}
        logger.info("law table: %d rows, %d distinct fact combinations", frame.height, len(self))

    def _pack(self, codes: list[np.ndarray], rows: int) -> tuple[np.ndarray, np.ndarray]:
        radix = [max(len(v), 1) for v in self.values]
        if float(np.prod(np.array(radix, dtype=float))) >= 2**62:
            table = pl.DataFrame({f"c{j}": code for j, code in enumerate(codes)})
            combos = table.unique(maintain_order=True).with_row_index("_combo")
            joined = table.join(combos, on=list(table.columns), how="left", maintain_order="left")
            return joined["_combo"].cast(pl.Int32).to_numpy(), combos.drop("_combo").to_numpy()
        combined = np.zeros(rows, dtype=np.int64)
        for code, size in zip(codes, radix, strict=True):
            combined *= size
            combined += code
        keys = pl.DataFrame({"k": combined})
        uniq_frame = keys.unique(maintain_order=False).sort("k").with_row_index("_combo")
        row_combo = (
            keys.join(uniq_frame, on="k", how="left", maintain_order="left")["_combo"]
            .cast(pl.Int32)
            .to_numpy()
        )
        uniq = uniq_frame["k"].to_numpy()
        digits = np.empty((len(uniq), len(radix)), dtype=np.int64)
        rest = uniq.copy()
        for pos in range(len(radix) - 1, -1, -1):
            digits[:, pos] = rest % radix[pos]
            rest //= radix[pos]
        return row_combo, digits

    def _derive_licence(self, digits: np.ndarray) -> np.ndarray:
        """Return digits with licence facts derived per combination where the table lacks them."""
        if "license_id" not in self.columns:
            return digits
        lid = self.columns.index("license_id")
        pur = self.columns.index("purpose") if "purpose" in self.columns else None
        derived: dict[str, list[str]] = {"license_permission": [], "terms_prohibit_training": []}
        cache: dict[tuple[str, str], tuple[str, str]] = {}
        for row in digits:
            pair = (self.values[lid][row[lid]], self.values[pur][row[pur]] if pur else UNKNOWN)
            if pair not in cache:
                facts = {"license_id": pair[0], "purpose": pair[1]}
                terms = terms_prohibit(pair[0]) if pair[0] != UNKNOWN else UNKNOWN
                cache[pair] = (derive_license(facts), terms)
            derived["license_permission"].append(cache[pair][0])
            derived["terms_prohibit_training"].append(cache[pair][1])
        for key, new in derived.items():
            if key in self.columns:  # the table's own value wins unless it is unknown
                j = self.columns.index(key)
                given = [self.values[j][d] for d in digits[:, j]]
                new = [g if g != UNKNOWN else n for g, n in zip(given, new, strict=True)]
            labels = sorted(set(new))
            code = np.array([labels.index(v) for v in new], dtype=np.int64).reshape(-1, 1)
            if key in self.columns:
                j = self.columns.index(key)
                self.values[j] = labels
                digits[:, j] = code[:, 0]
            else:
                self.columns.append(key)
                self.values.append(labels)
                digits = np.hstack([digits, code])
        return digits

    def __len__(self) -> int:
        return len(self.digits)

    def facts(self, combo: int) -> dict[str, Any]:
        """Return the prepared facts of one combination (cached)."""
        found = self._prepared.get(combo)
        if found is None:
            raw = {
                c: self.values[j][int(self.digits[combo, j])] for j, c in enumerate(self.columns)
            }
            facts = {k: (None if k in DATE_FACTS and v == "known" else v)
                     for k, v in raw.items() if v != UNKNOWN}  # fmt: skip
            try:
                found = self._prepared[combo] = prepare(facts)
            except FactsError as exc:
                raise FactsError(f"facts table: {exc.message}") from exc
        return found

    def judge(
        self, whens: list[dict[str, Any]], judge: Callable[[dict[str, Any]], T]
    ) -> tuple[list[T], np.ndarray]:
        """Return one verdict per class of combinations ``whens`` cannot tell apart, and each
        row's verdict index.

        Two combinations share a class when every condition in ``whens`` answers the same for
        both: equal on the literals the conditions name, on the same side of every date they
        compare with. Each class is judged once, on a representative.
        """
        projected = np.zeros(len(self.digits), dtype=np.int64)
        for j, key in enumerate(self.columns):
            specs = [w[key] for w in whens if key in w]
            if not specs:
                continue
            labels = [_class_of(key, v, specs) for v in self.values[j]]
            ids = {label: n for n, label in enumerate(dict.fromkeys(labels))}
            remap = np.array([ids[label] for label in labels], dtype=np.int64)
            projected = projected * len(ids) + remap[self.digits[:, j]]
        _, first, group = np.unique(projected, return_index=True, return_inverse=True)
        verdicts = [judge(self.facts(int(i))) for i in first]
        return verdicts, group.astype(np.int32).reshape(-1)[self.row_combo]
