# SPDX-License-Identifier: Apache-2.0
"""Which input column feeds which canonical column: aliases, then the user's --map."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources

import yaml

from clearance.errors import ColumnMappingError, KnowledgeBaseError
from clearance.ingest.schema import FIELDS
from clearance.yamlio import load_yaml

__all__ = ["DERIVED", "parse_mapping", "resolve_mapping"]

DERIVED = frozenset({"host", "registrable_domain"})
"""Canonical columns computed by clearance, never read from the manifest."""

_SHORT_NAMES = {"license": "license_raw", "licence": "license_raw", "id": "item_id"}
_CANONICAL = tuple(f.name for f in FIELDS if f.name not in ("source_file", "source_row"))


def _norm(name: str) -> str:
    return re.sub(r"[\s_\-]+", "", name).lower()


@cache
def _aliases() -> dict[str, tuple[str, ...]]:
    path = resources.files("clearance").joinpath("data/ingest/column_aliases.yaml")
    try:
        data = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise KnowledgeBaseError(f"invalid YAML ({exc})", path=str(path)) from exc
    unknown = set(data) - set(_CANONICAL)
    if unknown:
        raise KnowledgeBaseError(f"aliases for unknown columns {sorted(unknown)}", path=str(path))
    return {key: tuple(_norm(v) for v in values) for key, values in data.items()}


def parse_mapping(text: str | Iterable[str] | None) -> dict[str, str]:
    """Return {canonical: input column} from ``url=COL,license=COL`` strings.

    ``license`` is accepted for ``license_raw``. Raises ColumnMappingError on bad entries.
    """
    if text is None:
        return {}
    parts: list[str] = []
    for item in [text] if isinstance(text, str) else text:
        parts.extend(p for p in item.split(",") if p.strip())
    out: dict[str, str] = {}
    for part in parts:
        key, sep, column = part.partition("=")
        key, column = key.strip(), column.strip()
        key = _SHORT_NAMES.get(key, key)
        if not sep or not key or not column:
            raise ColumnMappingError(f"--map entry {part!r} is not CANONICAL=COLUMN")
        if key not in _CANONICAL or key in DERIVED:
            raise ColumnMappingError(
                f"--map names {key!r}, which is not a canonical column you can map; choose from "
                + ", ".join(c for c in _CANONICAL if c not in DERIVED)
            )
        out[key] = column
    return out


def resolve_mapping(
    columns: Iterable[str], user: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Return {canonical: input column} for the columns a file has.

    User entries must name existing columns (ColumnMappingError otherwise); every other
    canonical column takes the first alias present. An input column feeds one canonical column.
    """
    names = list(columns)
    by_norm: dict[str, str] = {}
    for name in names:
        by_norm.setdefault(_norm(name), name)
    mapping: dict[str, str] = {}
    for key, column in (user or {}).items():
        if column not in names:
            raise ColumnMappingError(
                f"--map {key}={column}: the manifest has no column {column!r} "
                f"(it has: {', '.join(names[:30])})"
            )
        mapping[key] = column
    used = set(mapping.values())
    for key, aliases in _aliases().items():
        if key in mapping:
            continue
        for alias in aliases:
            found = by_norm.get(alias)
            if found is not None and found not in used:
                mapping[key] = found
                used.add(found)
                break
    return mapping
