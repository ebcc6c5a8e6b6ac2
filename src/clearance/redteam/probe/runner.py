# SPDX-License-Identifier: Apache-2.0
"""Run probes against a model: :func:`run_probes`.

A run directory holds, written as it goes::

    exchanges.jsonl     every request and response, hash-chained (the evidence)
    results.jsonl       per probe: target source, kind, the spans that reproduce indexed work
    memorization.parquet, summary.json, redteam.md   written when the run completes
    run.json            the run's settings and counts; written last (completion marker)

A killed run resumes where it stopped: probes already in ``exchanges.jsonl`` are not sent
again. Text the prompt itself quotes is not counted against the model: a span that only echoes
the prompt is dropped, and one that goes on past it counts only for what it adds.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import orjson
import pyarrow.parquet as pq

from clearance.errors import EvidenceError
from clearance.redteam.findings import memorization_table
from clearance.redteam.probe.model import Model, ModelError
from clearance.redteam.probe.probes import Probe
from clearance.redteam.summary import build_summary, render_markdown
from clearance.redteam.text.index import Match, TextIndex
from clearance.redteam.text.thresholds import Threshold, default_threshold
from clearance.redteam.text.tokens import normalize, tokenize

__all__ = ["ProbeRun", "run_probes", "verify_exchanges"]

log = logging.getLogger(__name__)
_GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class ProbeRun:
    """What a probe run did."""

    out: str
    model: str
    probes: int
    sent: int
    resumed: int
    failed: int
    outputs_with_matches: int
    sources_reproduced: int
    threshold: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def verify_exchanges(path: Path) -> tuple[dict[str, dict[str, Any]], str]:
    """Return the recorded exchanges by probe id and the chain's last hash.

    Raises EvidenceError naming the file and line when the hash chain does not verify.
    """
    done: dict[str, dict[str, Any]] = {}
    prev = _GENESIS
    if not path.exists():
        return done, prev
    with path.open("rb") as fh:
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                rec = orjson.loads(line)
            except orjson.JSONDecodeError:
                if not line.endswith(b"\n"):  # a write cut short by a kill: ignore the tail
                    break
                raise EvidenceError(f"{path}: line {n} is not JSON") from None
            body = {k: v for k, v in rec.items() if k != "sha256"}
            digest = hashlib.sha256(orjson.dumps(body, option=orjson.OPT_SORT_KEYS)).hexdigest()
            if rec.get("prev") != prev or rec.get("sha256") != digest:
                raise EvidenceError(f"{path}: line {n}: hash chain broken (edited or reordered)")
            prev = digest
            if rec.get("error") is None:
                done[rec["probe"]["id"]] = rec
    return done, prev


def _words(text: str, profile: str) -> int:
    if profile == "text":
        return sum(1 for w in text.split() if any(c.isalnum() for c in w))
    return len(tokenize(normalize(text, profile), profile))


def _without_echo(index: TextIndex, probe: Probe, matches: list[Match],
                  threshold: Threshold) -> list[Match]:
    """Return the matches minus what the prompt itself quotes of the same source."""
    quoted = [(m.source, m.source_start, m.source_end)
              for m in index.check(probe.prompt, Threshold(1, None, None))]
    if not quoted:
        return matches
    kept = []
    for m in matches:
        start = m.source_start
        for src, a, b in quoted:
            if src == m.source and a <= start < b:
                start = b
        if start >= m.source_end:
            continue  # the output only repeats the prompt
        if start != m.source_start:
            added = index.source_text(m.source)[start : m.source_end]
            n, chars = _words(added, index.settings.profile), len(added)
            if not threshold.reached(n, chars):
                continue
            m = replace(m, tokens=n, chars=chars, source_start=start)
        kept.append(m)
    return kept


def _write_line(fh: Any, data: dict[str, Any]) -> None:
    fh.write(orjson.dumps(data) + b"\n")
    fh.flush()
    os.fsync(fh.fileno())


def run_probes(
    index: TextIndex,
    model: Model,
    probes: Sequence[Probe],
    out: str | Path,
    *,
    threshold: Threshold | None = None,
    rate_per_minute: float | None = 60.0,
    max_failures: int = 5,
    sleep: Callable[[float], None] = time.sleep,
    progress: Callable[[int, int], None] | None = None,
) -> ProbeRun:
    """Send every probe not yet answered, check the outputs, write the run's files.

    Raises ModelError when ``max_failures`` probes in a row fail after their retries.
    """
    threshold = threshold or default_threshold()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "run.json").unlink(missing_ok=True)
    done, prev = verify_exchanges(out / "exchanges.jsonl")
    resumed = sum(1 for p in probes if p.id in done)
    interval = 60.0 / rate_per_minute if rate_per_minute else 0.0
    sent = failed = streak = 0
    last = 0.0
    with (out / "exchanges.jsonl").open("ab") as fh:
        for i, probe in enumerate(probes):
            if probe.id in done:
                continue
            wait = last + interval - time.monotonic()
            if wait > 0:
                sleep(wait)
            last = time.monotonic()
            error = None
            try:
                ex = model.ask(probe.prompt)
                record: dict[str, Any] = {"request": ex.request, "response": ex.response,
                                          "status": ex.status, "text": ex.text,
                                          "attempts": ex.attempts, "seconds": ex.seconds}
                streak = 0
            except ModelError as exc:
                error, failed, streak = str(exc), failed + 1, streak + 1
                record = {"request": {"prompt": probe.prompt}, "response": None, "text": None}
            record.update(probe=probe.to_dict(), model=model.name, error=error, prev=prev,
                          at=dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds"))
            prev = hashlib.sha256(orjson.dumps(record, option=orjson.OPT_SORT_KEYS)).hexdigest()
            record["sha256"] = prev
            _write_line(fh, record)
            if error is None:
                done[probe.id] = record
                sent += 1
            elif streak >= max_failures:
                raise ModelError(f"{streak} probes in a row failed; last: {error}")
            if progress:
                progress(i + 1, len(probes))
    return _finish(index, model, probes, out, done, threshold, sent, resumed, failed)


def _finish(index: TextIndex, model: Model, probes: Sequence[Probe], out: Path,
            done: dict[str, dict[str, Any]], threshold: Threshold, sent: int, resumed: int,
            failed: int) -> ProbeRun:
    results: list[dict[str, Any]] = []
    probed: dict[str, int] = {}
    prompts: dict[str, str] = {}
    tmp = out / "results.jsonl.part"
    with tmp.open("wb") as fh:
        for probe in probes:
            rec = done.get(probe.id)
            if rec is None:
                continue
            matches = _without_echo(index, probe, index.check(rec["text"], threshold), threshold)
            result = {"id": probe.id, "kind": probe.kind, "target": probe.source,
                      "matches": [m.to_dict() for m in matches]}
            probed[probe.source] = probed.get(probe.source, 0) + 1
            prompts[probe.id] = probe.prompt
            results.append(result)
            fh.write(orjson.dumps(result) + b"\n")
    os.replace(tmp, out / "results.jsonl")
    sources = index.sources()
    desc = threshold.describe()
    pq.write_table(memorization_table(sources, results, probed=probed, threshold=desc),
                   out / "memorization.parquet")
    summary = build_summary(sources, results, threshold=desc, probed=probed, prompts=prompts)
    (out / "summary.json").write_text(json.dumps(summary.to_dict(), indent=2, default=str),
                                      encoding="utf-8")
    (out / "redteam.md").write_text(render_markdown(summary), encoding="utf-8")
    run = ProbeRun(str(out), model.name, len(probes), sent, resumed, failed,
                   sum(1 for r in results if r["matches"]),
                   len({m["source"] for r in results for m in r["matches"]}), desc)
    (out / "run.json").write_text(json.dumps(run.to_dict(), indent=2) + "\n", encoding="utf-8")
    return run
