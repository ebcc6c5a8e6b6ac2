# SPDX-License-Identifier: Apache-2.0
"""The probe runner against a loopback model that regurgitates some sources and not others."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from clearance.errors import EvidenceError
from clearance.redteam.probe import CallableModel, ChatModel, ModelError, build_probes, run_probes
from clearance.redteam.probe.runner import verify_exchanges
from clearance.redteam.text.build import build_index
from clearance.redteam.text.corpus import Source
from clearance.redteam.text.index import TextIndex
from tests.redteam.conftest import LICENSES, python_docs

MEMORISED = {"GPL-3", "MPL-2.0", "library/json.rst.txt"}
CORPUS = {
    "GPL-3": ("GNU General Public License, version 3", "GPL-3.0-only", "legal"),
    "MPL-2.0": ("Mozilla Public License 2.0", "MPL-2.0", "legal"),
    "Apache-2.0": ("Apache License 2.0", "Apache-2.0", "legal"),
    "GFDL-1.3": ("GNU Free Documentation License 1.3", "GFDL-1.3-only", "legal"),
    "library/json.rst.txt": ("json — JSON encoder and decoder", "PSF-2.0", "documentation"),
    "library/csv.rst.txt": ("csv — CSV File Reading and Writing", "PSF-2.0", "documentation"),
}


def _text(sid: str) -> str:
    path = LICENSES / sid if "/" not in sid else python_docs() / sid
    return path.read_text(encoding="utf-8")


class _Model(BaseHTTPRequestHandler):
    """Plays an OpenAI-compatible model that memorised MEMORISED and nothing else."""

    calls: list[dict[str, Any]] = []
    fail_first = {"429": 1, "500": 1}

    def log_message(self, *args: object) -> None:
        return

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls.append({"path": self.path, "auth": self.headers.get("Authorization"),
                                 "body": body})
        for code in ("429", "500"):
            if type(self).fail_first[code]:
                type(self).fail_first[code] -= 1
                self.send_response(int(code))
                self.send_header("Retry-After", "0")
                self.end_headers()
                return
        prompt = body["messages"][-1]["content"]
        answer = "I cannot reproduce that text, but I can summarise it."
        for sid in MEMORISED:
            text = _text(sid)
            title = CORPUS[sid][0]
            if f'"{title}"' in prompt:
                answer = "Sure. " + " ".join(text.split()[:220])
            excerpt = prompt.split("\n\n", 1)[-1]
            words = excerpt.split()
            if len(words) > 20:
                at = " ".join(text.split()).find(" ".join(words))
                if at >= 0:
                    rest = " ".join(text.split())[at + len(" ".join(words)) :]
                    answer = " ".join(rest.split()[:200])
        data = {"id": "x", "object": "chat.completion", "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": answer},
                             "finish_reason": "stop"}]}
        raw = json.dumps(data).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)


@pytest.fixture()
def server() -> Iterator[str]:
    _Model.calls = []
    _Model.fail_first = {"429": 1, "500": 1}
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Model)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> TextIndex:
    out = tmp_path_factory.mktemp("probe") / "index"
    sources = [Source(sid, _text(sid), license=lic, title=title, category=cat)
               for sid, (title, lic, cat) in CORPUS.items()]
    build_index(sources, out, workers=0)
    return TextIndex(out)


def test_probe_run_finds_what_the_model_memorised(index: TextIndex, server: str, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_MODEL_KEY", "sk-test-not-a-secret")
    model = ChatModel(server, "loopback-1", api_key_env="TEST_MODEL_KEY", backoff=0.0)
    probes = build_probes(index, ["prefix", "title"], offsets=(0.0, 0.5))
    run = run_probes(index, model, probes, tmp_path / "run", rate_per_minute=None)
    assert run.sent == len(probes) and run.failed == 0
    table = pq.read_table(tmp_path / "run" / "memorization.parquet").to_pylist()
    memo = {r["source"]: r["memorization"] for r in table}
    assert memo == {sid: sid in MEMORISED for sid in CORPUS}
    # the key went to the server, never into the evidence
    assert _Model.calls[-1]["auth"] == "Bearer sk-test-not-a-secret"
    evidence = (tmp_path / "run" / "exchanges.jsonl").read_text(encoding="utf-8")
    assert "sk-test-not-a-secret" not in evidence
    done, _ = verify_exchanges(tmp_path / "run" / "exchanges.jsonl")
    assert set(done) == {p.id for p in probes}
    results = [json.loads(x) for x in
               (tmp_path / "run" / "results.jsonl").read_text(encoding="utf-8").splitlines()]
    hit = next(r for r in results if r["target"] == "GPL-3" and r["matches"])
    m = hit["matches"][0]
    assert m["source"] == "GPL-3" and m["license"] == "GPL-3.0-only" and m["tokens"] >= 50
    report = (tmp_path / "run" / "redteam.md").read_text(encoding="utf-8")
    assert "GEMA v. OpenAI" in report and "Doe v. GitHub" in report
    assert re.search(r"\| legal \| 4 \| 2 \| 50\.0% \|", report)


def test_resumed_run_sends_nothing_again_and_tampering_is_detected(
        index: TextIndex, server: str, tmp_path: Path) -> None:
    model = ChatModel(server, "loopback-1", api_key_env=None, backoff=0.0)
    probes = build_probes(index, ["title"])
    run_probes(index, model, probes, tmp_path / "run", rate_per_minute=None)
    before = len(_Model.calls)
    again = run_probes(index, model, probes, tmp_path / "run", rate_per_minute=None)
    assert again.sent == 0 and again.resumed == len(probes) and len(_Model.calls) == before
    path = tmp_path / "run" / "exchanges.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[0] = lines[0].replace("Reproduce", "Produce")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(EvidenceError, match="hash chain"):
        run_probes(index, model, probes, tmp_path / "run", rate_per_minute=None)


def test_echoing_the_prompt_is_not_regurgitation(index: TextIndex, tmp_path: Path) -> None:
    echo = CallableModel(lambda prompt: prompt.split("\n\n", 1)[-1], name="parrot")
    probes = build_probes(index, ["prefix"], prefix_words=120)
    run = run_probes(index, echo, probes, tmp_path / "run", rate_per_minute=None)
    assert run.outputs_with_matches == 0


def test_a_dead_endpoint_stops_the_run_with_a_clear_error(index: TextIndex,
                                                          tmp_path: Path) -> None:
    model = ChatModel("http://127.0.0.1:9", "nobody", api_key_env=None, retries=0, timeout=2)
    probes = build_probes(index, ["title"])
    with pytest.raises(ModelError, match="127.0.0.1:9"):
        run_probes(index, model, probes, tmp_path / "run", rate_per_minute=None, max_failures=2)


def test_probe_command_end_to_end(index: TextIndex, server: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from clearance.cli import app

    res = CliRunner().invoke(app, ["redteam", "probe", str(index.path), "--out",
                                   str(tmp_path / "run"), "--base-url", server, "--model", "m",
                                   "--api-key-env", "", "--kinds", "title", "--rate", "0"])
    assert res.exit_code == 0, res.output
    assert "outputs reproduce 3 sources" in " ".join(res.output.split())
    res = CliRunner().invoke(app, ["redteam", "report", str(index.path), str(tmp_path / "run"),
                                   "--format", "json"])
    data = json.loads(res.stdout)
    assert {w["source"] for w in data["worst_sources"]} == MEMORISED
    assert {a["id"] for a in data["authorities"]} >= {"de-case-gema-v-openai",
                                                      "us-case-doe-v-github"}
