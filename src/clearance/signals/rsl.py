# SPDX-License-Identifier: Apache-2.0
"""RSL (Really Simple Licensing) 1.0: the licence document a robots.txt ``License:`` names.

An RSL document (``application/rsl+xml``, namespace ``https://rslstandard.org/rsl``) holds
``<content url=...>`` elements, each with one or more ``<license>``; a licence ``<permits>`` and
``<prohibits>`` usage types (``all``, ``ai-all``, ``ai-train``, ``ai-input``, ``ai-index``,
``search``), user types and regions, and may ask for ``<payment>``. ``content/@url`` is a full
URL or a path pattern matched like robots.txt (``*`` and ``$``); ``content/@server`` names an
RSL License Server from which a licence must be obtained even when it is free.

How this maps onto the common vocabulary (see docs/signals-robots.md):

* a prohibited usage -> ``reserved``;
* a permitted usage -> ``not_reserved`` when the licence is free (no payment, ``free`` or
  ``attribution``) and no licence server is named; otherwise ``reserved`` with the note
  "licensable" (reserved unless a licence is taken);
* a prohibition beats a permission of the same usage in the same licence;
* usages a licence does not mention get no signal (unknown). What RSL intends for unlisted
  usages could not be confirmed from the specification text available to us.

XML is parsed with defusedxml (no DTDs, entities or external references); a broken or
non-RSL document yields no signals and lists its problems.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from clearance.models import Signal
from clearance.signals.robots.match import CompiledRules, Rule
from clearance.signals.robots.paths import extract_path, normalize_path, normalize_pattern
from clearance.signals.vocab import NOT_RESERVED, PURPOSES, RESERVED, Purpose

__all__ = [
    "RSL_NAMESPACE",
    "RSL_USAGE_PURPOSES",
    "RSL_VERSION",
    "RslContent",
    "RslDocument",
    "RslLicense",
    "parse_rsl",
    "rsl_signals",
]

RSL_NAMESPACE = "https://rslstandard.org/rsl"
RSL_VERSION = "RSL 1.0 (RSL-SPEC-1.0)"
MAX_RSL_BYTES = 2 * 1024 * 1024

RSL_USAGE_PURPOSES: dict[str, tuple[Purpose, ...]] = {
    "all": PURPOSES,
    "ai-all": ("ai_training", "genai_training", "ai_inference"),
    "ai-train": ("ai_training", "genai_training"),
    "ai-input": ("ai_inference",),
    "ai-index": ("ai_inference",),
    "search": ("search",),
}
_FREE = frozenset({"free", "attribution"})


@dataclass(frozen=True, slots=True)
class RslLicense:
    """One ``<license>``: permitted and prohibited tokens per type, and payment types."""

    permits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    prohibits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    payments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class RslContent:
    """One ``<content>``: the URL pattern it covers, its licence server and its licences."""

    url: str
    server: str | None = None
    licenses: tuple[RslLicense, ...] = ()


@dataclass(frozen=True, slots=True)
class RslDocument:
    """A parsed RSL document; ``valid`` is False when it could not be read as RSL."""

    contents: tuple[RslContent, ...] = ()
    valid: bool = True
    problems: tuple[str, ...] = ()
    url: str | None = None


def _local(tag: object) -> tuple[str, str]:
    text = tag if isinstance(tag, str) else ""
    if text.startswith("{"):
        ns, _, name = text[1:].partition("}")
        return ns, name
    return "", text


def _tokens(element: Element) -> tuple[str, ...]:
    return tuple((element.text or "").replace(",", " ").lower().split())


def _license(element: Element) -> RslLicense:
    permits: dict[str, list[str]] = {}
    prohibits: dict[str, list[str]] = {}
    payments: list[str] = []
    for child in element:
        _, name = _local(child.tag)
        kind = (child.get("type") or "usage").strip().lower()
        if name == "permits":
            permits.setdefault(kind, []).extend(_tokens(child))
        elif name == "prohibits":
            prohibits.setdefault(kind, []).extend(_tokens(child))
        elif name == "payment":
            payments.append((child.get("type") or "").strip().lower() or "unspecified")
    return RslLicense(
        {k: tuple(v) for k, v in permits.items()},
        {k: tuple(v) for k, v in prohibits.items()},
        tuple(payments),
    )


def parse_rsl(body: bytes, *, url: str | None = None) -> RslDocument:
    """Return the contents and licences of an RSL document; never raises on bad input."""
    if len(body) > MAX_RSL_BYTES:
        return RslDocument(valid=False, problems=(f"larger than {MAX_RSL_BYTES} bytes",), url=url)
    try:
        root = fromstring(body, forbid_dtd=True)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        return RslDocument(valid=False, problems=(f"not readable XML: {exc}",), url=url)
    ns, name = _local(root.tag)
    if name != "rsl":
        return RslDocument(valid=False, problems=(f"root element is <{name}>, not <rsl>",), url=url)
    problems: list[str] = []
    if ns != RSL_NAMESPACE:
        problems.append(f"namespace {ns!r} is not {RSL_NAMESPACE}: read anyway")
    contents: list[RslContent] = []
    for child in root:
        if _local(child.tag)[1] != "content":
            continue
        target = (child.get("url") or "").strip()
        if not target:
            problems.append("<content> without url: ignored")
            continue
        licenses = tuple(_license(e) for e in child if _local(e.tag)[1] == "license")
        contents.append(RslContent(target, (child.get("server") or "").strip() or None, licenses))
    if not contents:
        problems.append("no <content> element with a url")
    return RslDocument(tuple(contents), True, tuple(problems), url)


def _origin(url: str) -> str:
    scheme, _, rest = url.partition("://")
    host = rest.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    return f"{scheme.lower()}://{host.lower()}"


def _match_length(content_url: str, resource: str) -> int:
    pattern = content_url
    if content_url.startswith(("http://", "https://")):
        if resource.startswith(("http://", "https://")) and _origin(content_url) != _origin(
            resource
        ):
            return -1
        pattern = extract_path(content_url)
    rule = Rule(True, normalize_pattern(pattern), pattern, 0)
    path = normalize_path(extract_path(resource))
    return rule.priority if CompiledRules([rule]).decide(path) is not None else -1


def _purposes(tokens: Sequence[str]) -> list[Purpose]:
    out: list[Purpose] = []
    for token in tokens:
        for purpose in RSL_USAGE_PURPOSES.get(token, ()):
            if purpose not in out:
                out.append(purpose)
    return out


def rsl_signals(
    doc: RslDocument,
    resource: str = "/",
    *,
    location: str | None = None,
    observed_at: datetime | None = None,
) -> list[Signal]:
    """Return the signals the RSL licences covering one resource (URL or path) give."""
    scored = [(_match_length(c.url, resource), c) for c in doc.contents]
    best = max((score for score, _ in scored), default=-1)
    if best < 0:
        return []
    where = location or doc.url or "rsl"
    out: list[Signal] = []
    for content in (c for score, c in scored if score == best):
        for number, lic in enumerate(content.licenses, start=1):
            excerpt = (
                f"<content url={content.url!r}> license {number}: permits {lic.permits} "
                f"prohibits {lic.prohibits} payment {list(lic.payments)}"
            )[:500]
            users = lic.permits.get("user")
            user_limited = users is not None and "commercial" not in users
            if "commercial" in lic.prohibits.get("user", ()):
                user_limited = True
            prohibited = _purposes(lic.prohibits.get("usage", ()))
            permitted = [p for p in _purposes(lic.permits.get("usage", ())) if p not in prohibited]
            paid = [p for p in lic.payments if p not in _FREE]

            def add(
                purpose: Purpose, verdict: str, note: str, conf: float = 1.0, text: str = excerpt
            ) -> None:
                quality = conf if doc.valid and not doc.problems else conf * 0.9
                out.append(
                    Signal(
                        standard="rsl",
                        purpose=purpose,
                        verdict=verdict,
                        location=where,
                        excerpt=text,
                        scope="host",
                        observed_at=observed_at,
                        confidence=quality,
                        spec_version=RSL_VERSION,
                        notes=(note, *doc.problems),
                    )
                )

            for purpose in prohibited:
                add(purpose, RESERVED, "prohibited usage")
            for purpose in permitted:
                if content.server:
                    add(
                        purpose,
                        RESERVED,
                        f"licensable: a licence must be obtained from "
                        f"{content.server}, even if free",
                    )
                elif paid:
                    add(
                        purpose,
                        RESERVED,
                        f"licensable: permitted against payment ({', '.join(paid)})",
                    )
                elif user_limited:
                    add(
                        purpose,
                        RESERVED,
                        f"permitted only for users {users}; commercial use not granted",
                        0.8,
                    )
                else:
                    cond = " on attribution" if "attribution" in lic.payments else ""
                    add(purpose, NOT_RESERVED, f"permitted without payment{cond}")
    return out
