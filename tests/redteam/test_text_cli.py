# SPDX-License-Identifier: Apache-2.0
"""`clearance redteam index|check|report` end to end, and bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from typer.testing import CliRunner

from clearance.cli import app
from tests.redteam.conftest import LICENSES, python_docs

runner = CliRunner()


def _flat(text: str) -> str:
    """Return the output without any whitespace (Rich wraps long paths mid-word)."""
    return "".join(text.split())


def _corpus(tmp_path: Path) -> Path:
    rows = [{"id": name, "text": (LICENSES / name).read_text(encoding="utf-8"),
             "license": lic, "url": f"file:///usr/share/common-licenses/{name}",
             "title": name, "author": "upstream"}
            for name, lic in (("GPL-3", "GPL-3.0-only"), ("MPL-2.0", "MPL-2.0"),
                              ("Apache-2.0", "Apache-2.0"))]
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def test_index_check_report(tmp_path: Path) -> None:
    index = tmp_path / "index"
    res = runner.invoke(app, ["redteam", "index", str(_corpus(tmp_path)), "--out", str(index),
                              "--workers", "0", "--json"])
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sources_added"] == 3
    gpl = (LICENSES / "GPL-3").read_text(encoding="utf-8").split()
    outputs = tmp_path / "outputs.jsonl"
    outputs.write_text(
        json.dumps({"id": "a", "text": "Sure: " + " ".join(gpl[300:380]), "prompt": "GPL?"})
        + "\n" + json.dumps({"id": "b", "text": " ".join(gpl[300:340])}) + "\n"
        + json.dumps({"id": "c", "text": "Nothing copied here at all."}) + "\n",
        encoding="utf-8")
    res = runner.invoke(app, ["redteam", "check", str(index), str(outputs), "--json",
                              "--out", str(tmp_path / "r.jsonl"),
                              "--parquet", str(tmp_path / "r.parquet")])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert [x["id"] for x in lines] == ["a", "b", "c"]
    (m,) = lines[0]["matches"]
    assert m["source"] == "GPL-3" and m["license"] == "GPL-3.0-only" and m["tokens"] >= 80
    assert {"output_start", "output_end", "source_start", "source_end", "excerpt"} <= set(m)
    assert lines[1]["matches"] == [] and lines[2]["matches"] == []
    table = pq.read_table(tmp_path / "r.parquet")
    assert table.num_rows == 1 and table["prompt"][0].as_py() == "GPL?"
    # the 40-word span is under 50 words but over the 160-character preset
    res = runner.invoke(app, ["redteam", "check", str(index), str(outputs), "--json",
                              "--preset", "urhdag160"])
    assert json.loads(res.stdout.splitlines()[1])["matches"]
    res = runner.invoke(app, ["redteam", "report", str(index), str(tmp_path / "r.jsonl"),
                              "--memorization", str(tmp_path / "memo.parquet")])
    assert res.exit_code == 0, res.output
    assert "GPL-3" in res.stdout and "not legal advice" in res.stdout
    memo = {r["source"]: r["memorization"]
            for r in pq.read_table(tmp_path / "memo.parquet").to_pylist()}
    assert memo == {"GPL-3": True, "MPL-2.0": None, "Apache-2.0": None}
    html = runner.invoke(app, ["redteam", "report", str(index), str(tmp_path / "r.jsonl"),
                               "--format", "html"]).stdout
    assert html.startswith("<section") and "GEMA" in html


def test_adding_to_an_index_skips_known_sources_and_refuses_changed_ones(tmp_path: Path) -> None:
    index = tmp_path / "index"
    corpus = _corpus(tmp_path)
    for _ in range(2):
        res = runner.invoke(app, ["redteam", "index", str(corpus), "--out", str(index),
                                  "--workers", "0", "--json"])
        assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["sources_skipped"] == 3
    docs = python_docs() / "library" / "json.rst.txt"
    res = runner.invoke(app, ["redteam", "index", str(docs), "--out", str(index), "--workers",
                              "0", "--json"])
    assert json.loads(res.stdout)["shard"] == "shard-0001"
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({"id": "GPL-3", "text": "other words"}) + "\n",
                       encoding="utf-8")
    res = runner.invoke(app, ["redteam", "index", str(changed), "--out", str(index)])
    assert res.exit_code == 1 and "alreadyindexedwithdifferenttext" in _flat(res.output)
    text = docs.read_text(encoding="utf-8")
    outputs = tmp_path / "o.parquet"
    pq.write_table(pa.table({"id": ["x"], "text": [text[2000:4000]]}), outputs)
    res = runner.invoke(app, ["redteam", "check", str(index), str(outputs), "--json"])
    assert json.loads(res.stdout)["matches"][0]["source"] == "json.rst.txt"


def test_bad_input_is_a_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a", "text": "fine"}\n{"id": 2, "text": 5}\n', encoding="utf-8")
    res = runner.invoke(app, ["redteam", "index", str(bad), "--out", str(tmp_path / "i")])
    assert res.exit_code == 1 and "bad.jsonl,row2,column'text'" in _flat(res.output)
    res = runner.invoke(app, ["redteam", "check", str(tmp_path / "nope"), str(bad)])
    assert res.exit_code == 1 and "notaclearancetextindex" in _flat(res.output)
    res = runner.invoke(app, ["redteam", "index", str(_corpus(tmp_path)), "--out",
                              str(tmp_path / "i2"), "--profile", "klingon"])
    assert res.exit_code == 1 and "unknownprofile" in _flat(res.output)
    res = runner.invoke(app, ["redteam", "check", str(tmp_path / "i2"), str(bad), "--preset",
                              "x"])
    assert res.exit_code == 1


def test_docs_cover_every_option_and_preset() -> None:
    import typer

    from clearance.redteam.text.thresholds import load_presets

    text = (Path(__file__).parents[2] / "docs" / "redteam.md").read_text(encoding="utf-8")
    group = typer.main.get_command(app).commands["redteam"]  # type: ignore[attr-defined]
    for name in ("index", "check", "probe", "report"):
        for p in group.commands[name].params:
            for opt in p.opts:
                if opt.startswith("--") and opt != "--help":
                    assert f"`{opt}`" in text or f"{opt} " in text or f"[{opt}" in text, opt
    for preset in load_presets():
        assert f"`{preset.id}`" in text
        for url in preset.sources:
            assert url in text, url
