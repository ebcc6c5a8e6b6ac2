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
the crawler registry): a site that blocks GPTBot has reserved its content against AI training,
whoever trains; a group for ``*`` binds the training crawlers no group names.
``agent=`` narrows this to the crawler that actually collected the data. A missing capture
gives ``unknown``, never permission.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

import numpy as np
import polars as pl

from clearance.models import Capture, Signal
from clearance.signals.aitxt import AiTxt, parse_ai_txt
from clearance.signals.crawlers import CrawlerRegistry, load_crawlers
from clearance.signals.natural_language import find_reservations
from clearance.signals.robots import RobotsPolicy, parse_robots
from clearance.signals.robots.verdicts import robots_signals
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
#: scheme://authority at the start of a URL: what the path matchers never read.
_AUTHORITY = r"^[A-Za-z][A-Za-z0-9+.\-]*://[^/?#]*"


@dataclass(frozen=True, slots=True)
class Judgement:
    """The verdict for one purpose on one URL: reserved, not_reserved or unknown, and why.

    ``evidence`` lists the WARC-Record-IDs of the host's documents in the epoch; ``url`` and
    ``record_id`` name the capture of the document that decided (robots.txt, tdmrep.json or
    ai.txt) and ``excerpt`` quotes the rule or statement in it.
    """

    verdict: str
    form: str  # machine_readable | natural_language | none
    standards: tuple[str, ...]
    evidence: str | None
    excerpt: str = ""
    url: str | None = None
    record_id: str | None = None


#: The document that carries each standard's statements (the capture a verdict points to).
_DOCUMENT_OF = {"ai.txt": "/ai.txt", "tdmrep": "/.well-known/tdmrep.json"}
_EXCERPT_MAX = 300


def _excerpt(signals: Sequence[Signal]) -> str:
    text = " | ".join(dict.fromkeys(s.excerpt.strip() for s in signals[:3] if s.excerpt))
    return text[:_EXCERPT_MAX]


def training_agents(registry: CrawlerRegistry | None = None) -> tuple[str, ...]:
    """Return the product tokens of registered crawlers that collect for AI training."""
    reg = registry or load_crawlers()
    return tuple(c.token for c in reg if c.purpose in ("training", "mixed"))


def _label(sig: Signal) -> str:
    return f"{sig.standard}:{sig.agent}" if sig.agent else sig.standard


def _reduce(signals: Iterable[Signal], evidence: str | None, seen: bool) -> Judgement:
    machine: list[Signal] = []
    natural: list[Signal] = []
    permits: list[Signal] = []
    for sig in signals:
        if sig.verdict == RESERVED:
            (natural if sig.contested else machine).append(sig)
        elif sig.verdict == NOT_RESERVED:
            permits.append(sig)
    if machine:
        labels = sorted({_label(s) for s in machine} | {_label(s) for s in natural})
        return Judgement(RESERVED, "machine_readable", tuple(labels), evidence, _excerpt(machine))
    if natural:
        return Judgement(
            RESERVED, "natural_language", tuple(sorted({_label(s) for s in natural})), evidence,
            _excerpt(natural),
        )
    if permits or seen:
        return Judgement(NOT_RESERVED, "none", (), evidence, _excerpt(permits))
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
        self.agents = tuple(dict.fromkeys(agents)) if agents else training_agents(reg)
        self.tdm = self._tdm(self.captures.get("/.well-known/tdmrep.json"))
        self.ai = self._ai(self.captures.get("/ai.txt"))
        ai_capture = self.captures.get("/ai.txt")
        self.ai_rules = (
            parse_robots(
                ai_capture.body,
                status=ai_capture.status,
                url=ai_capture.url,
                fetched_at=ai_capture.captured_at,
            )
            if self.ai is not None and ai_capture is not None and not _ai_independent(self.ai)
            else None
        )
        self.seen = any(self._answered(c) for c in self.captures.values())
        self.evidence = ";".join(
            sorted(c.record_id or c.url for c in self.captures.values() if c)
        )
        self.dependent_agents: tuple[str, ...] = ()
        self.base = self._base()

    def recaptured(self, captures: Mapping[str, Capture | None]) -> EpochSignals:
        """Return this parsed state with other captures of the same documents as evidence."""
        other = copy.copy(self)
        other.captures = dict(captures)
        other.evidence = ";".join(
            sorted(c.record_id or c.url for c in other.captures.values() if c)
        )
        return other

    @staticmethod
    def _answered(capture: Capture | None) -> bool:
        """Return True when a capture says something: a response below 500."""
        return capture is not None and capture.status is not None and capture.status < 500

    def _robots(self, capture: Capture | None) -> RobotsPolicy | None:
        if capture is None:
            return None
        redirects = 0 if capture.final_url in (None, capture.url) else 1
        return parse_robots(
            capture.body,
            status=capture.status,
            url=capture.url,
            fetched_at=capture.captured_at,
            redirects=redirects,
        )

    def _tdm(self, capture: Capture | None) -> TdmRepFile | None:
        if capture is None or capture.status is None or not 200 <= capture.status < 300:
            return None
        return parse_tdmrep_json(capture.body, url=capture.url, observed_at=capture.captured_at)

    def _ai(self, capture: Capture | None) -> AiTxt | None:
        if capture is None or capture.status is None or not 200 <= capture.status < 300:
            return None
        return parse_ai_txt(capture.body, url=capture.url, observed_at=capture.captured_at)

    def _groups(self) -> dict[str | None, tuple[str, ...]]:
        """Return {group key: relevant agents obeying it}; None collects agents no group binds."""
        assert self.robots is not None
        groups: dict[str | None, list[str]] = {}
        for agent in self.agents:
            groups.setdefault(self.robots.group_key(agent), []).append(agent)
        return {k: tuple(v) for k, v in groups.items()}

    def _robots_base(self) -> list[Signal]:
        """Site-wide robots.txt signals: one per group the relevant agents obey, at ``/``."""
        policy = self.robots
        assert policy is not None
        where = policy.url or self.host
        if policy.state != "parsed":
            verdict = NOT_RESERVED if policy.state == "unavailable" else UNKNOWN
            return [
                Signal(
                    "robots.txt",
                    self.purpose,
                    verdict,
                    where,
                    policy.reason,
                    observed_at=policy.fetched_at,
                )
            ]
        out: list[Signal] = []
        dependent: list[str] = []
        for key, agents in self._groups().items():
            if key is None:
                out.append(
                    Signal(
                        "robots.txt",
                        self.purpose,
                        NOT_RESERVED,
                        where,
                        "no group applies",
                        agent=agents[0],
                        confidence=0.8,
                        observed_at=policy.fetched_at,
                    )
                )
                continue
            if not _independent(policy, agents[0]):
                dependent.extend(agents)
                continue
            allowed = policy.allowed(agents[0], "/")
            label = None if key == "*" else agents[0]
            out.append(
                Signal(
                    "robots.txt",
                    self.purpose,
                    NOT_RESERVED if allowed else RESERVED,
                    where,
                    f"User-agent group {key!r}: " + ("allowed" if allowed else "Disallow /"),
                    agent=label,
                    observed_at=policy.fetched_at,
                )
            )
        self.dependent_agents = tuple(dependent)
        statements = robots_signals(policy, "/", agents=[])
        return out + [s for s in statements if s.standard != "robots.txt"]

    def _base(self) -> list[Signal]:
        """Signals that do not depend on the URL path, for the purpose judged."""
        out: list[Signal] = []
        if self.robots is not None:
            out += self._robots_base()
            if self.robots.comments:
                text = "\n".join(c.text for c in self.robots.comments)
                out += find_reservations(
                    text, location=self.robots.url or self.host, observed_at=self.robots.fetched_at
                ).signals
        if self.tdm is not None and _tdm_independent(self.tdm):
            out += self.tdm.evaluate("/").signals
        if self.ai is not None and _ai_independent(self.ai):
            out += self.ai.evaluate("/").signals
        return [s for s in out if s.purpose == self.purpose and self._counts(s)]

    def _counts(self, sig: Signal) -> bool:
        return (
            sig.agent is None
            or sig.agent in self.agents
            or sig.agent.lower() in {a.lower() for a in self.agents}
        )

    @property
    def signals(self) -> list[Signal]:
        """Return the site-wide signals of this epoch (for signals.parquet)."""
        return list(self.base)

    def _dependent_groups(self) -> dict[str, tuple[str, ...]]:
        """Return {group key: agents obeying it} for the agents whose verdict needs the path."""
        return {
            k: v
            for k, v in self._groups().items()
            if k is not None and v[0] in self.dependent_agents
        }

    @property
    def path_dependent(self) -> bool:
        """Return True when some verdict of this state depends on the URL's path."""
        return bool(self.robots is not None and self.dependent_agents) \
            or self.ai_rules is not None \
            or (self.tdm is not None and not _tdm_independent(self.tdm))

    def judge(self, urls: Sequence[str | None] | pl.Series) -> tuple[list[Judgement], np.ndarray]:
        """Return (distinct judgements, index per URL into them).

        When nothing depends on the path the answer is one judgement for every URL, with no
        per-URL work at all. Otherwise the URLs are reduced to their distinct paths (the
        matchers read the path and query only) and judged by :meth:`judge_paths`.
        """
        n = len(urls)
        if not self.path_dependent:
            return self.judge_paths([None] * min(n, 1))[0], np.zeros(n, dtype=np.int32)
        series = urls if isinstance(urls, pl.Series) else pl.Series("url", list(urls),
                                                                      dtype=pl.String)
        tails = series.cast(pl.String).str.replace(_AUTHORITY, "")
        uniq = pl.DataFrame({"t": tails}).with_row_index("i").group_by(
            "t", maintain_order=True).agg(pl.col("i").first())
        inverse = pl.DataFrame({"t": tails}).join(
            uniq.with_row_index("k"), on="t", how="left", maintain_order="left",
            nulls_equal=True)["k"].to_numpy()
        distinct, local = self.judge_paths(series.gather(uniq["i"]).to_list())
        index: np.ndarray = local[inverse]
        return distinct, index

    def judge_paths(self, reps: Sequence[str | None]) -> tuple[list[Judgement], np.ndarray]:
        """Return (distinct judgements, index per URL) for URLs of distinct paths.

        Each path is judged once with the batch matchers; the paths fall into classes (the
        labels that block them, the TDMRep statements that apply, the robots.txt rule that
        decided), one judgement is built per class, and the index joins it back: Python runs
        per class, and per blocked path only to name the rule that decided.
        """
        base = self._stamp(_reduce(self.base, self.evidence or None, self.seen))
        m = len(reps)
        if not self.path_dependent:
            return [base], np.zeros(m, dtype=np.int32)
        dependent = bool(self.robots is not None and self.dependent_agents)
        tdm_dependent = self.tdm is not None and not _tdm_independent(self.tdm)
        reps = list(reps)
        labels: list[str] = []
        codes = np.zeros(m, dtype=np.int64)

        def block(label: str, verdicts: Sequence[bool | None]) -> None:
            hit = np.fromiter((v is False for v in verdicts), dtype=bool, count=m)
            if hit.any():
                if label not in labels:
                    labels.append(label)
                codes[hit] |= 1 << labels.index(label)

        if dependent:
            assert self.robots is not None
            for key, agents in self._dependent_groups().items():
                label = f"robots.txt:{agents[0]}" if key != "*" else "robots.txt:*"
                block(label, self.robots.allowed_many(agents[0], reps))
        if self.ai_rules is not None:
            # ai.txt uses robots.txt syntax and matching: judge every path in one batch.
            for key in {self.ai_rules.group_key(a) or "" for a in ("*", *self.agents)} - {""}:
                block("ai.txt", self.ai_rules.allowed_many(key, reps))
        extras: list[tuple[Signal, ...]] = [()]
        extra_id = np.zeros(m, dtype=np.int64)
        if tdm_dependent:
            assert self.tdm is not None
            seen: dict[tuple[Signal, ...], int] = {(): 0}
            for k, url in enumerate(reps):
                if url:
                    found = tuple(
                        sig for sig in self.tdm.evaluate(url).signals
                        if sig.purpose == self.purpose and self._counts(sig)
                    )
                    got = seen.get(found)
                    if got is None:
                        got = seen[found] = len(extras)
                        extras.append(found)
                    extra_id[k] = got
        names = sorted(labels)
        order = [labels.index(x) for x in names]
        rules = np.full(m, -1, dtype=np.int64)
        if labels:
            first_bit = np.full(m, -1, dtype=np.int64)
            for bit in reversed(order):  # the first label in sorted order decides the excerpt
                first_bit[(codes >> bit) & 1 == 1] = bit
            for p in np.nonzero(codes)[0].tolist():
                rules[p] = self._rule_line(labels[int(first_bit[p])], reps[p])
        keys = np.stack([codes, extra_id, rules], axis=1)
        classes, first, local = np.unique(keys, axis=0, return_index=True,
                                          return_inverse=True)
        distinct: list[Judgement] = []
        for (code, eid, _), k in zip(classes.tolist(), first.tolist(), strict=True):
            blocked = tuple(x for x in names if code >> labels.index(x) & 1)
            extra = extras[eid]
            one = _combine(base, blocked, extra, self.evidence or None, self.seen)
            if one is not base:
                one = self._stamp(one, reps[k], extra)
            distinct.append(one)
        return distinct, np.asarray(local, dtype=np.int32).reshape(-1)

    def _rule_line(self, label: str, url: str | None) -> int:
        """Return the line of the robots.txt rule that decided a blocked path (-1 if none)."""
        if not url or not label.startswith("robots.txt") or self.robots is None:
            return -1
        agent = label.split(":", 1)[1] if ":" in label else "*"
        agent = self.agents[0] if agent == "*" else agent
        match = self.robots.explain(agent, url)
        return match.rule.line if match.rule is not None else -1

    def _stamp(
        self, judged: Judgement, url: str | None = None, extra: Sequence[Signal] = ()
    ) -> Judgement:
        """Return ``judged`` naming the capture that decided it and quoting the rule.

        For a path-dependent robots.txt block the rule is looked up for ``url`` (the first
        URL of its kind); the excerpt of a site-wide verdict comes from its signals.
        """
        first = judged.standards[0].split(":", 1)[0] if judged.standards else "robots.txt"
        document = _DOCUMENT_OF.get(first, "/robots.txt")
        capture = self.captures.get(document) or self.captures.get("/robots.txt")
        excerpt = judged.excerpt
        if url and first == "robots.txt" and self.robots is not None and judged.standards:
            agent = judged.standards[0].split(":", 1)[1] if ":" in judged.standards[0] else "*"
            agent = self.agents[0] if agent == "*" else agent
            match = self.robots.explain(agent, url)
            if match.rule is not None:
                excerpt = f"line {match.rule.line}: {match.rule.raw} (group {match.group})"
        elif not excerpt and extra:
            excerpt = _excerpt(list(extra))
        if capture is None:
            return replace(judged, excerpt=excerpt[:_EXCERPT_MAX])
        return replace(
            judged,
            excerpt=excerpt[:_EXCERPT_MAX],
            url=capture.url,
            record_id=capture.record_id,
        )


def _combine(
    base: Judgement,
    blocked: tuple[str, ...],
    extra: Sequence[Signal],
    evidence: str | None,
    seen: bool,
) -> Judgement:
    """Return the judgement of one URL: site-wide verdict, path-dependent blocks, extras."""
    if not blocked and not extra:
        return base
    more = _reduce(extra, evidence, seen) if extra else Judgement(UNKNOWN, "none", (), evidence)
    if base.form == "machine_readable" or blocked or more.form == "machine_readable":
        labels = set(blocked)
        for part in (base, more):
            if part.verdict == RESERVED:
                labels |= set(part.standards)
        return Judgement(RESERVED, "machine_readable", tuple(sorted(labels)), evidence)
    for part in (base, more):
        if part.verdict == RESERVED:
            return part
    if NOT_RESERVED in (base.verdict, more.verdict) or seen:
        return Judgement(NOT_RESERVED, "none", (), evidence)
    return Judgement(UNKNOWN, "none", (), evidence)


def epochs(history: Mapping[str, Sequence[datetime]]) -> list[datetime]:
    """Return the sorted dates at which any of a host's documents was captured."""
    return sorted({d for dates in history.values() for d in dates})
