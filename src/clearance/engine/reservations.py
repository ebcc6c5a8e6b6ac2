# SPDX-License-Identifier: Apache-2.0
"""Whether each item's rights were reserved against the scan's purpose, then and now.

For every host the snapshot (or a live fetch) holds captures of ``/robots.txt``,
``/.well-known/tdmrep.json`` and ``/ai.txt``; the dates at which any of them changed cut the
host's timeline into epochs. An item is judged on the epoch that stood when it was collected
(its ``collected_at``), and again on the epoch standing at ``as_of`` ("now"). Each
(host, epoch) is parsed once; the site-wide part of its verdict is computed once, and only
what depends on the URL path (robots.txt groups with path rules, tdmrep.json location
patterns, ai.txt rules) is evaluated per URL, robots.txt with the vectorised matcher.

Who counts: by default every registered AI *training* crawler (training and mixed classes of
the crawler registry) plus any product token a robots.txt names that the registry does not
know: a site that blocks GPTBot has reserved its content against AI training, whoever trains.
``agent=`` narrows this to the crawler that actually collected the data. A missing capture
gives ``unknown``, never permission.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from clearance.models import Capture, Signal
from clearance.signals.aitxt import AiTxt, parse_ai_txt
from clearance.signals.crawlers import CrawlerRegistry, load_crawlers
from clearance.signals.natural_language import find_reservations
from clearance.signals.robots import RobotsPolicy, parse_robots
from clearance.signals.robots_verdicts import robots_signals
from clearance.signals.tdmrep import TdmRepFile, parse_tdmrep_json
from clearance.signals.vocab import NOT_RESERVED, RESERVED, UNKNOWN

__all__ = ["DOCUMENTS", "PURPOSE_SIGNAL", "EpochSignals", "Judgement", "training_agents"]

DOCUMENTS = ("/robots.txt", "/.well-known/tdmrep.json", "/ai.txt")
PURPOSE_SIGNAL = {
    "genai_training": "genai_training",
    "commercial_training": "ai_training",
    "research": "tdm",
}
_EVERYTHING = {"", "/", "/*", "*"}


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict for one purpose on one URL: reserved, not_reserved or unknown, and why."""

    verdict: str
    form: str  # machine_readable | natural_language | none
    standards: tuple[str, ...]
    evidence: str | None


def training_agents(registry: CrawlerRegistry | None = None) -> tuple[str, ...]:
    """Return the product tokens of registered crawlers that collect for AI training."""
    reg = registry or load_crawlers()
    return tuple(c.token for c in reg if c.purpose in ("training", "mixed"))


def _label(sig: Signal) -> str:
    return f"{sig.standard}:{sig.agent}" if sig.agent else sig.standard


def _reduce(signals: Iterable[Signal], evidence: str | None, seen: bool) -> Judgement:
    machine, natural, permits = [], [], []
    for sig in signals:
        if sig.verdict == RESERVED:
            (natural if sig.contested else machine).append(sig)
        elif sig.verdict == NOT_RESERVED:
            permits.append(sig)
    if machine:
        labels = sorted({_label(s) for s in machine} | {_label(s) for s in natural})
        return Judgement(RESERVED, "machine_readable", tuple(labels), evidence)
    if natural:
        return Judgement(RESERVED, "natural_language", tuple(sorted({_label(s) for s in natural})),
                         evidence)
    if permits or seen:
        return Judgement(NOT_RESERVED, "none", (), evidence)
    return Judgement(UNKNOWN, "none", (), evidence)


def _independent(policy: RobotsPolicy, agent: str) -> bool:
    """Return True when the group an agent obeys gives the same verdict for every path."""
    rules = policy.rules_for(agent)
    patterns = {r.pattern for r in rules}
    return patterns <= _EVERYTHING and len({r.allow for r in rules}) <= 1


def _tdm_independent(tdm: TdmRepFile) -> bool:
    return len(tdm.rules) <= 1 and all(r.pattern.raw in _EVERYTHING for r in tdm.rules)


def _ai_independent(ai: AiTxt) -> bool:
    return all(r.pattern.raw in _EVERYTHING for rules in ai.groups.values() for r in rules)


class EpochSignals:
    """One host's documents as they stood from one date: parsed once, judged per URL."""

    def __init__(
        self,
        host: str,
        captures: Mapping[str, Capture | None],
        *,
        purpose: str,
        agents: Sequence[str] | None = None,
        registry: CrawlerRegistry | None = None,
    ) -> None:
        self.host = host
        self.purpose = PURPOSE_SIGNAL[purpose]
        self.captures = dict(captures)
        reg = registry or load_crawlers()
        robots_cap = self.captures.get("/robots.txt")
        self.robots = self._robots(robots_cap)
        named = [a for a in (self.robots.agents if self.robots else ()) if a != "*"]
        if agents is None:
            pool = list(training_agents(reg)) + [a for a in named if a not in reg]
        else:
            pool = list(agents)
        self.agents = tuple(dict.fromkeys(pool))
        self.tdm = self._tdm(self.captures.get("/.well-known/tdmrep.json"))
        self.ai = self._ai(self.captures.get("/ai.txt"))
        self.seen = any(self._answered(c) for c in self.captures.values())
        self.evidence = ";".join(
            sorted(c.source or c.record_id or c.url for c in self.captures.values() if c))
        self.dependent_agents: tuple[str, ...] = ()
        self.base = self._base()

    @staticmethod
    def _answered(capture: Capture | None) -> bool:
        """Return True when a capture says something: a response below 500."""
        return capture is not None and capture.status is not None and capture.status < 500

    def _robots(self, capture: Capture | None) -> RobotsPolicy | None:
        if capture is None:
            return None
        redirects = 0 if capture.final_url in (None, capture.url) else 1
        return parse_robots(capture.body, status=capture.status, url=capture.url,
                            fetched_at=capture.captured_at, redirects=redirects)

    def _tdm(self, capture: Capture | None) -> TdmRepFile | None:
        if capture is None or capture.status is None or not 200 <= capture.status < 300:
            return None
        return parse_tdmrep_json(capture.body, url=capture.url, observed_at=capture.captured_at)

    def _ai(self, capture: Capture | None) -> AiTxt | None:
        if capture is None or capture.status is None or not 200 <= capture.status < 300:
            return None
        return parse_ai_txt(capture.body, url=capture.url, observed_at=capture.captured_at)

    def _base(self) -> list[Signal]:
        """Signals that do not depend on the URL path, for the purpose judged."""
        out: list[Signal] = []
        if self.robots is not None:
            if self.robots.state == "parsed":
                self.dependent_agents = tuple(
                    a for a in self.agents if not _independent(self.robots, a))
            fixed = [a for a in self.agents if a not in self.dependent_agents]
            out += robots_signals(self.robots, "/", agents=fixed)
            if self.robots.comments:
                text = "\n".join(c.text for c in self.robots.comments)
                out += find_reservations(text, location=self.robots.url or self.host,
                                         observed_at=self.robots.fetched_at).signals
        if self.tdm is not None and _tdm_independent(self.tdm):
            out += self.tdm.evaluate("/").signals
        if self.ai is not None and _ai_independent(self.ai):
            out += self.ai.evaluate("/").signals
        return [s for s in out if s.purpose == self.purpose and self._counts(s)]

    def _counts(self, sig: Signal) -> bool:
        return sig.agent is None or sig.agent in self.agents or sig.agent.lower() in {
            a.lower() for a in self.agents}

    @property
    def signals(self) -> list[Signal]:
        """Return the site-wide signals of this epoch (for signals.parquet)."""
        return list(self.base)

    def judge(self, urls: Sequence[str | None]) -> list[Judgement]:
        """Return one judgement per URL."""
        per_url: list[list[Signal]] = [[] for _ in urls]
        if self.robots is not None and self.dependent_agents:
            for agent in self.dependent_agents:
                allowed = self.robots.allowed_many(agent, list(urls))
                for i, ok in enumerate(allowed):
                    if ok is False:
                        per_url[i].append(Signal("robots.txt", self.purpose, RESERVED,
                                                 self.robots.url or self.host,
                                                 f"{agent} disallowed for this path", agent=agent,
                                                 scope="item"))
                    elif ok is True:
                        per_url[i].append(Signal("robots.txt", self.purpose, NOT_RESERVED,
                                                 self.robots.url or self.host,
                                                 f"{agent} allowed for this path", agent=agent,
                                                 scope="item"))
        for parsed, independent in ((self.tdm, _tdm_independent), (self.ai, _ai_independent)):
            if parsed is None or independent(parsed):  # type: ignore[arg-type]
                continue
            memo: dict[str, list[Signal]] = {}
            for i, url in enumerate(urls):
                if not url:
                    continue
                if url not in memo:
                    memo[url] = [s for s in parsed.evaluate(url).signals
                                 if s.purpose == self.purpose and self._counts(s)]
                per_url[i].extend(memo[url])
        if not any(per_url):
            one = _reduce(self.base, self.evidence or None, self.seen)
            return [one] * len(urls)
        return [_reduce([*self.base, *extra], self.evidence or None, self.seen)
                for extra in per_url]


def epochs(history: Mapping[str, Sequence[datetime]]) -> list[datetime]:
    """Return the sorted dates at which any of a host's documents was captured."""
    return sorted({d for dates in history.values() for d in dates})
