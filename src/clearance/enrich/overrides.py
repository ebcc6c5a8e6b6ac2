# SPDX-License-Identifier: Apache-2.0
"""User category overrides (``--categories FILE``): :func:`load_category_overrides`.

Counsel often knows what a source is better than any rule: "cdn.acme-partner.net is our
licensed stock partner", "everything under https://example.org/blog/ is a blog". A file of
such statements wins over every inference and is recorded as the reason
(``override:<file name>:<key>``, confidence 1.0).

Two keys are understood:

- a **domain** (``example.org``): the host and every subdomain; the most specific wins;
- a **URL prefix** (``https://example.org/blog/`` or ``example.org/blog/``): URLs that start
  with it, compared without scheme and ``www.``; the longest prefix wins, and a prefix beats a
  domain.

Formats: CSV with a header naming ``domain`` (or ``prefix`` or ``key``) and ``category``
(an optional ``note`` column is kept), or YAML — a mapping ``key: category`` or a list of
``{domain|prefix: ..., category: ..., note: ...}``. Every problem is an
:class:`~clearance.errors.InputError` naming the file and the row.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl
import yaml

from clearance.errors import InputError
from clearance.yamlio import load_yaml

__all__ = ["CategoryOverrides", "Override", "load_category_overrides", "strip_url_expr"]

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_DOMAIN = re.compile(r"^(?=.{1,253}$)[a-z0-9_](?:[a-z0-9_-]{0,62})(?:\.[a-z0-9_-]{1,63})*$")


@dataclass(frozen=True, slots=True)
class Override:
    """One user statement: a domain or URL prefix is of a category."""

    key: str
    category: str
    is_prefix: bool
    note: str = ""
    row: int = 0


def _strip(url: str) -> str:
    """Return the comparison form of a URL or prefix: no scheme, no ``www.``, lower-case host."""
    text = _SCHEME.sub("", url.strip())
    host, sep, rest = text.partition("/")
    host = host.split("@")[-1].lower().removeprefix("www.")
    return host + sep + rest


def strip_url_expr(url: pl.Expr) -> pl.Expr:
    """Return :func:`_strip` as a Polars expression (scheme, credentials, ``www.`` removed)."""
    rest = url.str.strip_chars().str.replace(r"^[A-Za-z][A-Za-z0-9+.-]*://", "")
    host = rest.str.extract(r"^([^/]*)", 1).str.replace(r"^.*@", "").str.to_lowercase()
    host = host.str.replace(r"^www\.", "")
    return host + rest.str.extract(r"^[^/]*(/.*)?$", 1).fill_null("")


@dataclass(frozen=True)
class CategoryOverrides:
    """The overrides of one file, indexed for host and URL lookups."""

    source: str
    domains: Mapping[str, Override]
    prefixes: tuple[Override, ...]

    def __bool__(self) -> bool:
        return bool(self.domains or self.prefixes)

    def for_host(self, host: str | None) -> Override | None:
        """Return the override of ``host`` or of its nearest listed parent domain."""
        if not host:
            return None
        labels = host.lower().rstrip(".").split(".")
        for i in range(len(labels)):
            hit = self.domains.get(".".join(labels[i:]))
            if hit is not None:
                return hit
        return None

    def for_url(self, url: str | None) -> Override | None:
        """Return the longest prefix override ``url`` starts with, or None."""
        if not url or not self.prefixes:
            return None
        stripped = _strip(url)
        for override in self.prefixes:  # longest first
            if stripped.startswith(override.key):
                return override
        return None

    def reason(self, override: Override) -> str:
        """Return the category_reason recorded for an override."""
        return f"override:{self.source}:{override.key}"


def _rows_from_csv(text: str, path: str) -> Iterable[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(io.StringIO(text))
    fields = [f.strip().lower() for f in reader.fieldnames or []]
    if "category" not in fields or not ({"domain", "prefix", "key"} & set(fields)):
        raise InputError(f"{path}: the header must name 'domain' (or 'prefix') and 'category'")
    for number, row in enumerate(reader, start=2):
        yield number, {(k or "").strip().lower(): v for k, v in row.items()}


def _rows_from_yaml(text: str, path: str) -> Iterable[tuple[int, dict[str, Any]]]:
    try:
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: not valid YAML: {exc}") from exc
    if isinstance(data, dict):
        data = (
            data.get("overrides", data)
            if "overrides" in data
            else [{"key": k, "category": v} for k, v in data.items()]
        )
    if not isinstance(data, list):
        raise InputError(f"{path}: expected a mapping of domain to category or a list of entries")
    for number, row in enumerate(data, start=1):
        if not isinstance(row, dict):
            raise InputError(f"{path}: entry {number} is not a mapping")
        yield number, {str(k).lower(): v for k, v in row.items()}


def load_category_overrides(
    path: str | Path, categories: Iterable[str] | None = None
) -> CategoryOverrides:
    """Return the overrides in ``path`` (CSV or YAML), checked against the category ids."""
    file = Path(path)
    if categories is None:
        from clearance.enrich.categories import category_ids

        categories = category_ids()
    known = set(categories)
    try:
        text = file.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{file}: cannot read the category overrides: {exc}") from exc
    is_csv = file.suffix.lower() in (".csv", ".tsv", ".txt")
    rows = _rows_from_csv(text, str(file)) if is_csv else _rows_from_yaml(text, str(file))
    domains: dict[str, Override] = {}
    prefixes: dict[str, Override] = {}
    where = "row" if is_csv else "entry"
    for number, row in rows:
        raw = row.get("prefix") or row.get("domain") or row.get("key")
        category = str(row.get("category") or "").strip()
        if not raw or not str(raw).strip():
            raise InputError(f"{file}: {where} {number}: no domain or prefix")
        if category not in known:
            raise InputError(
                f"{file}: {where} {number}: unknown category {category!r}; "
                f"expected one of {', '.join(sorted(known))}"
            )
        key = _strip(str(raw))
        is_prefix = "/" in key or bool(row.get("prefix"))
        note = str(row.get("note") or "")
        if not is_prefix:
            try:
                key = key.rstrip(".").encode("idna").decode("ascii")
            except UnicodeError as exc:
                raise InputError(f"{file}: {where} {number}: not a domain: {raw!r}") from exc
            if not _DOMAIN.match(key):
                raise InputError(f"{file}: {where} {number}: not a domain: {raw!r}")
        target = prefixes if is_prefix else domains
        previous = target.get(key)
        if previous is not None and previous.category != category:
            raise InputError(
                f"{file}: {where} {number}: {key!r} is already {previous.category!r} "
                f"({where} {previous.row})"
            )
        target[key] = Override(key, category, is_prefix, note, number)
    ordered = tuple(sorted(prefixes.values(), key=lambda o: -len(o.key)))
    return CategoryOverrides(file.name, domains, ordered)
