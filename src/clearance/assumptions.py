# SPDX-License-Identifier: Apache-2.0
"""What a scan presumes rather than reads: each presumption a named option with a default.

A manifest cannot show how the items were accessed, whether the training copies are kept,
whether the model memorises them, whether its outputs compete with the works, whether items
the manifest is silent about hold personal data, whether the model goes on the EU market as a
general-purpose model, or which crawler collected them. The scan takes each as an
:class:`Assumptions` field (the same option of ``scan``, ``assess`` and ``gate``), writes it
beside the facts, and every report states it with how much the headline depends on it
(``clearance.law.sensitivity``). ``PRESUMPTIONS`` is the one table that drives the options'
help, the report's "Assumptions and evidence" box and ``docs/scan.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, Final

from clearance.errors import InputError

__all__ = [
    "PRESUMPTIONS",
    "TRI",
    "Assumptions",
    "Presumption",
    "tri_text",
    "tri_value",
]

#: yes / no / unknown as the options spell them, and the facts value each stands for.
TRI: Final[dict[str, bool | None]] = {"yes": True, "no": False, "unknown": None}


def tri_value(text: str | bool | None, option: str = "") -> bool | None:
    """Return True, False or None for ``yes``/``no``/``unknown`` (also true/false)."""
    if text is None or isinstance(text, bool):
        return text
    key = {"true": "yes", "false": "no"}.get(text.strip().lower(), text.strip().lower())
    if key not in TRI:
        where = f"{option}: " if option else ""
        raise InputError(f"{where}expected yes, no or unknown, got {text!r}")
    return TRI[key]


def tri_text(value: bool | None) -> str:
    """Return ``yes``, ``no`` or ``unknown`` for a tri-state value."""
    return "unknown" if value is None else "yes" if value else "no"


@dataclass(frozen=True, slots=True)
class Presumption:
    """One presumption: the option that sets it, its values, and what each means.

    ``fact`` is the law-fact column it sets (None when it is not a law fact);
    ``alternatives`` are the values the report re-judges the scan with to show how much the
    headline rests on the presumption, and ``if_text`` says each in words ("copies are not
    kept after training"); ``label`` names the presumption in the report's box.
    """

    field: str
    option: str
    values: tuple[str, ...]
    fact: str | None
    question: str
    meaning: str
    alternatives: tuple[str, ...]
    label: str = ""
    if_text: tuple[tuple[str, str], ...] = ()


PRESUMPTIONS: Final[tuple[Presumption, ...]] = (
    Presumption(
        "access", "--access", ("lawful", "paywall_circumvented", "unknown"), "access",
        "How were the items accessed?",
        "lawful: items with public http(s) URLs were fetched without circumventing a paywall, "
        "login or technical measure; items without a URL stay unknown unless their channel "
        "says otherwise",
        ("unknown",),
        "Access to items with public URLs",
        (("unknown", "access is not presumed lawful"),),
    ),
    Presumption(
        "retained_after_training", "--retained", ("yes", "no", "unknown"),
        "retained_after_training",
        "Are the training copies kept after training?",
        "yes: the corpus is kept (e.g. for later models), which the EU and UK text-and-data-"
        "mining exceptions do not cover (Art. 4(2) DSM)",
        ("no",),
        "Training copies kept after training",
        (("no", "copies are not kept after training"),),
    ),
    Presumption(
        "memorization", "--memorization", ("yes", "no", "unknown"), "memorization",
        "Does the model reproduce training items in its outputs?",
        "unknown until the red team has tested the model (clearance redteam)",
        ("no", "yes"),
        "Model reproduces training items",
        (("no", "the model reproduces no item"), ("yes", "the model reproduces items")),
    ),
    Presumption(
        "output_competes", "--output-competes", ("yes", "no", "unknown"), "output_competes",
        "Do the model's outputs substitute for the works trained on?",
        "market substitution weighs against fair use (US, factor four)",
        ("no", "yes"),
        "Outputs substitute for the works",
        (("no", "outputs do not substitute for the works"),
         ("yes", "outputs substitute for the works")),
    ),
    Presumption(
        "personal_data", "--personal-data", ("unknown", "none", "ordinary"), "personal_data",
        "Do items the manifest is silent about hold personal data?",
        "applies only where the manifest has no personal_data value; a manifest value wins",
        ("none",),
        "Personal data where the manifest is silent",
        (("none", "items the manifest is silent about hold no personal data"),),
    ),
    Presumption(
        "gpai_eu_market", "--gpai-eu-market", ("yes", "no", "unknown"), "gpai_eu_market",
        "Will a general-purpose model trained on the data be placed on the EU market?",
        "yes engages the AI Act's copyright-policy and training-summary duties (Art. 53)",
        ("yes", "no"),
        "General-purpose model placed on the EU market",
        (("yes", "a general-purpose model goes on the EU market"),
         ("no", "no general-purpose model goes on the EU market")),
    ),
    Presumption(
        "agent", "--agent", (), None,
        "Which crawler collected the items?",
        "robots.txt groups are read for this user-agent token; by default for any AI "
        "training crawler in the registry (the strictest reading)",
        (),
        "Crawler that collected the items",
    ),
)


@dataclass(frozen=True, slots=True)
class Assumptions:
    """The presumptions of a scan; ``None`` means unknown. Defaults are the shipped ones."""

    access: str = "lawful"
    retained_after_training: bool | None = True
    memorization: bool | None = None
    output_competes: bool | None = None
    personal_data: str = "unknown"
    gpai_eu_market: bool | None = None
    agent: str | None = None

    def __post_init__(self) -> None:
        for p in PRESUMPTIONS:
            value = getattr(self, p.field)
            if p.values and isinstance(value, str) and value not in p.values:
                raise InputError(f"{p.option}: {value!r} is not one of {', '.join(p.values)}")

    def changed(self, **overrides: Any) -> Assumptions:
        """Return a copy with the given fields replaced (``None`` sets a field to unknown)."""
        return replace(self, **overrides) if overrides else self

    def to_dict(self) -> dict[str, Any]:
        """Return the assumptions as JSON-ready data."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any] | None) -> Assumptions:
        """Return assumptions from :meth:`to_dict` output (unknown keys ignored)."""
        if not data:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})

    def shown(self, name: str) -> str:
        """Return the value of field ``name`` as the option spells it."""
        value = getattr(self, name)
        if name == "agent":
            return str(value) if value else "any AI training crawler"
        if isinstance(value, bool) or value is None:
            return tri_text(value)
        return str(value)

    def defaults(self) -> dict[str, bool]:
        """Return, per field, whether it still has the shipped default."""
        base = Assumptions()
        return {f.name: getattr(self, f.name) == getattr(base, f.name) for f in fields(self)}
