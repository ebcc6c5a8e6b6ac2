# SPDX-License-Identifier: Apache-2.0
"""Takedown and opt-out requests as received: validate one and normalise what it names.

A request names items by ``url``, ``url_prefix``, ``domain``, ``sha256`` or ``creator``
(docs/takedowns.md). :func:`normalize_request` turns a CSV row, JSON object or CLI options
into a :class:`~clearance.models.TakedownRequest` with the ``key`` items are matched on, or
raises :class:`~clearance.errors.TakedownError` saying why it cannot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping
from typing import Any, Final

from clearance.decide.matching import url_key_of
from clearance.errors import TakedownError
from clearance.models import TakedownRequest

__all__ = ["KINDS", "TYPES", "normalize_request", "now"]

KINDS: Final = ("url", "url_prefix", "domain", "sha256", "creator")
TYPES: Final = ("takedown", "opt_out")
_ALIASES: Final = {
    "prefix": "url_prefix",
    "content_hash": "sha256",
    "hash": "sha256",
    "content_sha256": "sha256",
    "host": "domain",
    "author": "creator",
}
_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\.)*[a-z0-9-]+$")


def now() -> str:
    """Return the current UTC time as ISO 8601 (seconds, ``Z``)."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _text(raw: Mapping[str, Any], name: str) -> str:
    value = raw.get(name)
    return "" if value is None else str(value).strip()


def _key(kind: str, value: str) -> str:
    if kind in ("url", "url_prefix"):
        key = url_key_of(value) if "//" in value else None
        if key is None:
            raise TakedownError(f"{kind} {value!r} is not an absolute URL")
        return key
    if kind == "domain":
        try:
            host = value.strip().strip(".").lower().encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise TakedownError(f"domain {value!r} is not a valid domain name") from exc
        if not _DOMAIN.match(host) or "." not in host:
            raise TakedownError(f"domain {value!r} is not a domain name (no scheme or path)")
        return host
    if kind == "sha256":
        digest = value.strip().lower().removeprefix("sha256:")
        if not re.fullmatch(r"[0-9a-f]{64}", digest):
            raise TakedownError(f"sha256 {value!r} is not 64 hex digits")
        return digest
    creator = " ".join(value.split()).lower()
    if not creator:
        raise TakedownError("creator is empty")
    return creator


def normalize_request(raw: Mapping[str, Any], *, received_at: str | None = None) -> TakedownRequest:
    """Return a validated request from a mapping (CSV row, JSON object, CLI options).

    Keys: ``kind`` and ``value`` (or one of ``url``, ``url_prefix``, ``domain``, ``sha256``,
    ``creator`` holding the value), optional ``request_id``, ``type``, ``requester``,
    ``contact``, ``reason``, ``reference``, ``received_at``. Raises TakedownError saying why.
    """
    kind = _text(raw, "kind").lower()
    kind = _ALIASES.get(kind, kind)
    value = _text(raw, "value")
    if not kind:
        named = [k for k in (*KINDS, *_ALIASES) if _text(raw, k)]
        if len(named) != 1:
            raise TakedownError("name exactly one of url, url_prefix, domain, sha256, creator")
        kind, value = _ALIASES.get(named[0], named[0]), _text(raw, named[0])
    if kind not in KINDS:
        raise TakedownError(f"kind {kind!r} is not one of {', '.join(KINDS)}")
    if not value:
        raise TakedownError(f"no value for {kind}")
    kind_type = _text(raw, "type").lower().replace("-", "_") or "takedown"
    if kind_type not in TYPES:
        raise TakedownError(f"type {kind_type!r} is not takedown or opt_out")
    key = _key(kind, value)
    fields_ = {n: _text(raw, n) for n in ("requester", "contact", "reason", "reference")}
    digest = hashlib.sha256(
        json.dumps([kind, key, kind_type, fields_], sort_keys=True).encode()
    ).hexdigest()
    request_id = _text(raw, "request_id") or _text(raw, "id") or f"td-{digest[:16]}"
    if len(request_id) > 200 or any(ch in request_id for ch in "\r\n\t"):
        raise TakedownError(f"request id {request_id[:40]!r}... is not a usable id")
    when = _text(raw, "received_at") or received_at or now()
    return TakedownRequest(
        request_id=request_id,
        kind=kind,
        value=value,
        key=key,
        type=kind_type,
        status="received",
        received_at=when,
        updated_at=when,
        **fields_,
    )
