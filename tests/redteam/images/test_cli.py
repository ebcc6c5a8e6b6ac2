# SPDX-License-Identifier: Apache-2.0
"""``clearance redteam images index`` and ``check`` end to end, on real files."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from PIL import Image, ImageOps
from typer.testing import CliRunner

from clearance.cli import app
from clearance.decide.pdq import hash_image
from tests.redteam.images.conftest import Work

runner = CliRunner()


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, works: list[Work]) -> Path:
    root = tmp_path_factory.mktemp("cli")
    (root / "works" / "sub").mkdir(parents=True)
    for n, w in enumerate(works[:6]):
        w.image.save(root / "works" / ("sub" if n % 2 else "") / f"w{n}.jpg", quality=92)
    (root / "works" / "broken.jpg").write_bytes(b"\xff\xd8\xff\xe0 not really a jpeg")
    listed = root / "known.csv"
    buf = io.BytesIO()
    works[7].image.save(buf, "PNG")
    pdq, _ = hash_image(buf.getvalue())  # as a known-works list computes it: full size
    listed.write_text(f"kind,hash,work,rightsholder\npdq,{pdq},Listed work,Holder Ltd\n")
    result = runner.invoke(
        app,
        [
            "redteam",
            "images",
            "index",
            str(root / "works"),
            "--out",
            str(root / "idx"),
            "--known-works",
            str(listed),
            "--license",
            "proprietary",
            "--owner",
            "Studio",
            "--workers",
            "1",
            "--json",
        ],  # fmt: skip
    )
    assert result.exit_code == 0, result.output
    counts = json.loads(result.stdout)
    assert (counts["images"], counts["hash_only"], counts["unreadable"]) == (6, 1, 1)
    assert "broken.jpg" in counts["unreadable_examples"][0]
    return root


def test_check_json_one_object_per_query(
    built: Path, works: list[Work], strangers: list[Work]
) -> None:
    queries = built / "queries"
    queries.mkdir()
    w = works[1].image
    ImageOps.mirror(w).save(queries / "a_mirror.png")
    w.crop((0, 0, w.width * 4 // 5, w.height * 4 // 5)).save(queries / "b_crop.png")
    strangers[0].image.save(queries / "c_unrelated.png")
    listed = works[7].image
    listed.resize((listed.width * 3 // 4, listed.height * 3 // 4)).save(queries / "d_listed.jpg")
    (built / "works" / "w0.jpg").replace(queries / "e_exact.jpg")
    result = runner.invoke(
        app, ["redteam", "images", "check", str(built / "idx"), str(queries), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    by_file = {Path(obj["file"]).name: obj["matches"] for obj in lines}
    assert set(by_file) == {
        "a_mirror.png",
        "b_crop.png",
        "c_unrelated.png",
        "d_listed.jpg",
        "e_exact.jpg",
    }
    assert [m["source"] for m in by_file["a_mirror.png"]] == ["sub/w1.jpg"]
    assert [m["source"] for m in by_file["b_crop.png"]] == ["sub/w1.jpg"]
    assert by_file["c_unrelated.png"] == []
    listed = by_file["d_listed.jpg"]
    assert [(m["source"], m["method"], m["owner"], m["license"]) for m in listed] == [
        ("Listed work", "pdq", "Holder Ltd", "proprietary")  # the run's default licence
    ]
    exact = by_file["e_exact.jpg"][0]
    assert (exact["source"], exact["method"], exact["distance"], exact["score"]) == (
        "w0.jpg",
        "sha256",
        0,
        1.0,
    )
    for obj in lines:
        for m in obj["matches"]:
            assert set(m) >= {"source", "score", "method", "distance", "license"}
            assert m["method"] in {"pdq", "phash", "keypoints", "sha256"}
    crop = by_file["b_crop.png"][0]
    assert (crop["license"], crop["owner"]) == ("proprietary", "Studio")


def _flat(text: str) -> str:
    """Return console output with the terminal's line wrapping undone (spaces collapsed)."""
    return " ".join(text.split())


def test_check_table_and_errors(built: Path, works: list[Work]) -> None:
    query = built / "q.png"
    works[2].image.save(query)
    result = runner.invoke(app, ["redteam", "images", "check", str(built / "idx"), str(query)])
    assert result.exit_code == 0
    assert "1 of 1 query images reproduce an indexed work" in _flat(result.stdout)
    assert "not legal advice" in _flat(result.stdout)
    missing = runner.invoke(
        app, ["redteam", "images", "check", str(built / "idx"), str(built / "nope.png")]
    )
    assert missing.exit_code == 1
    assert "nope.png" in "".join(missing.output.splitlines()) and "Traceback" not in missing.output
    not_index = runner.invoke(app, ["redteam", "images", "check", str(built / "works"), str(query)])
    assert not_index.exit_code == 1 and "not an image index" in _flat(not_index.output)
    again = runner.invoke(
        app, ["redteam", "images", "index", str(built / "works"), "--out", str(built / "idx")]
    )
    assert again.exit_code == 1 and "--overwrite" in _flat(again.output)


def test_unreadable_query_gives_an_error_object(built: Path) -> None:
    bad = built / "bad.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    result = runner.invoke(
        app, ["redteam", "images", "check", str(built / "idx"), str(bad), "--json"]
    )
    assert result.exit_code == 0
    obj = json.loads(result.stdout)
    assert obj["matches"] == [] and "cannot read" in obj["error"]


def test_decompression_bomb_is_unreadable(built: Path) -> None:
    bomb = built / "bomb.png"
    Image.new("1", (20000, 20000)).save(bomb)
    result = runner.invoke(
        app, ["redteam", "images", "check", str(built / "idx"), str(bomb), "--json"]
    )
    assert result.exit_code == 0
    assert "error" in json.loads(result.stdout)


def test_report_shows_each_finding_beside_its_source_and_memorisation_table(
    built: Path, works: list[Work], strangers: list[Work], tmp_path: Path
) -> None:
    import base64
    import html.parser

    import pyarrow.parquet as pq

    queries = tmp_path / "q<&>"
    queries.mkdir()
    w = works[3].image
    w.resize((w.width // 2, w.height // 2)).save(queries / "half.png")
    strangers[1].image.save(queries / "other.png")
    memo = tmp_path / "memo.parquet"
    checked = runner.invoke(app, ["redteam", "images", "check", str(built / "idx"), str(queries),
                                  "--json", "--memorization", str(memo)])
    assert checked.exit_code == 0, checked.output
    results = tmp_path / "results.jsonl"
    results.write_text("".join(line + "\n" for line in checked.stdout.splitlines()
                               if line.startswith("{")), encoding="utf-8")
    table = pq.read_table(memo).to_pylist()
    assert [(r["item_id"], r["memorization"], r["outputs_matching"]) for r in table] == [
        ("sub/w3.jpg", True, 1)]  # only reproduction is stated; the rest stay unknown
    page = tmp_path / "report.html"
    done = runner.invoke(app, ["redteam", "images", "report", str(built / "idx"), str(results),
                               "--out", str(page)])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")

    class Images(html.parser.HTMLParser):
        def __init__(self) -> None:
            super().__init__()
            self.pngs: list[bytes] = []

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            src = dict(attrs).get("src") or ""
            if tag == "img" and src.startswith("data:image/png;base64,"):
                self.pngs.append(base64.b64decode(src.split(",", 1)[1]))

    parser = Images()
    parser.feed(text)
    assert len(parser.pngs) == 2  # the generated image and the work, side by side
    for png in parser.pngs:
        assert Image.open(io.BytesIO(png)).size[0] > 0
    assert "q&lt;&amp;&gt;" in text and "q<&>" not in text  # names are escaped
    assert "1 of 2 generated images reproduce an indexed work" in text
    assert "not legal advice" in text
    md = runner.invoke(app, ["redteam", "images", "report", str(built / "idx"), str(results),
                             "--format", "md"])
    assert md.exit_code == 0 and "| sub/w3.jpg |" in md.stdout.replace("\\|", "|")
    results.write_text('{"file": "x.png", "matches": [{"source": "nope.jpg"}]}\n')
    bad = runner.invoke(app, ["redteam", "images", "report", str(built / "idx"), str(results)])
    assert bad.exit_code == 1 and "line 1" in bad.output and "Traceback" not in bad.output
