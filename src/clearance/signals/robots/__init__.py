# SPDX-License-Identifier: Apache-2.0
"""robots.txt per RFC 9309: parse once per host, answer many path checks, emit Signals.

The package, by step:

* :mod:`.parse` - lines into groups and records, with a note for every leniency, and the
  caps that keep a hostile file cheap (:data:`.parse.MAX_BYTES`,
  :data:`.parse.MAX_AGENTS_PER_GROUP`, :data:`.parse.MAX_RULES`);
* :mod:`.paths` - URL paths and rule patterns normalised the same way (§2.2.2, §2.2.3);
* :mod:`.match` - the compiled matcher (longest match wins, ``allow`` on ties);
* :mod:`.groups` - the groups of a file indexed by product token, without copying;
* :mod:`.policy` - :class:`RobotsPolicy`, one host's compiled rules;
* :mod:`.read` - :func:`parse_robots` (a response into a policy) and :func:`robots_allowed`;
* :mod:`.root` - :func:`root_allowed`, the answer for ``/`` without compiling what cannot
  decide it (the fetcher's home-page check);
* :mod:`.verdicts` - verdicts per crawler, operator and purpose, and the Signals.

Names load on first use (PEP 562): :mod:`clearance.signals.aipref` and
:mod:`clearance.signals.rsl` use the matcher while the policy uses them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from clearance.signals.robots.groups import MAX_REDIRECTS, RuleMatch, Statement
    from clearance.signals.robots.policy import RobotsPolicy
    from clearance.signals.robots.read import parse_robots, robots_allowed
    from clearance.signals.robots.root import root_allowed, rules_for_root
    from clearance.signals.robots.verdicts import (
        ROBOTS_VERSION,
        CrawlerVerdict,
        comment_signals,
        crawler_verdicts,
        operator_verdicts,
        purpose_verdicts,
        robots_signals,
    )

_LAZY = {
    "MAX_REDIRECTS": "groups",
    "RuleMatch": "groups",
    "Statement": "groups",
    "RobotsPolicy": "policy",
    "parse_robots": "read",
    "robots_allowed": "read",
    "root_allowed": "root",
    "rules_for_root": "root",
    "ROBOTS_VERSION": "verdicts",
    "CrawlerVerdict": "verdicts",
    "comment_signals": "verdicts",
    "crawler_verdicts": "verdicts",
    "operator_verdicts": "verdicts",
    "purpose_verdicts": "verdicts",
    "robots_signals": "verdicts",
}

__all__ = [
    "CrawlerVerdict",
    "MAX_REDIRECTS",
    "ROBOTS_VERSION",
    "RobotsPolicy",
    "RuleMatch",
    "Statement",
    "comment_signals",
    "crawler_verdicts",
    "operator_verdicts",
    "parse_robots",
    "purpose_verdicts",
    "robots_allowed",
    "robots_signals",
    "root_allowed",
    "rules_for_root",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
