# SPDX-License-Identifier: Apache-2.0
"""report.html is valid, self-contained and drills down to items; report.md says the same."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pyarrow as pa
from conftest import Scan, build_scan

from clearance.report import build_report
from clearance.report.content import DRILL_LIMIT
from clearance.report.render_html import render_html
from clearance.report.render_md import md_escape, render_markdown
from clearance.report.view import anchor

VOID = {"meta", "br", "img", "hr", "input", "link", "wbr", "col", "source"}


class Checker(HTMLParser):
    """Collect tags, ids, links and nesting errors of an HTML document."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.sources: list[str] = []
        self.tags: list[str] = []
        self.doctype = False

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl.lower() == "doctype html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href"):
            self.hrefs.append(str(values["href"]))
        if values.get("src"):
            self.sources.append(str(values["src"]))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
            return
        self.stack.pop()


def check(html: str) -> Checker:
    checker = Checker()
    checker.feed(html)
    checker.close()
    assert checker.doctype
    assert not checker.errors, checker.errors[:5]
    assert not checker.stack, checker.stack
    assert len(checker.ids) == len(set(checker.ids)), "ids are unique"
    for href in checker.hrefs:
        if href.startswith("#"):
            assert href[1:] in checker.ids, href
    assert "link" not in checker.tags, "no external stylesheet"
    assert all(s.startswith("data:") for s in checker.sources), "no external resource"
    return checker


def test_html_is_valid_and_self_contained(small_scan: Scan) -> None:
    content = build_report(
        small_scan.facts, small_scan.assessment, None, {"markets": list(small_scan.markets)}
    )
    html = render_html(content, b"\x89PNG fake")
    checker = check(html)
    assert "Risk assessment, not legal advice." in html
    assert "knowledge base as of 2026-11-28" in html
    assert "data:image/png;base64," in html
    assert "cdn" not in html.lower()
    cells = [i for i in checker.ids if i.startswith("cell-")]
    assert len(cells) == content.matrix.height
    matrix_links = [h for h in checker.hrefs if h.startswith("#cell-")]
    assert sorted(set(matrix_links)) == sorted(f"#{c}" for c in cells)


def test_drill_down_lists_capped_items_with_the_count() -> None:
    scan = build_scan(200, categories=("stock_media", "government"), markets=("eu",))
    content = build_report(scan.facts, scan.assessment, None, {"markets": ["eu"]})
    html = render_html(content)
    section = html.split(f'id="{anchor("stock_media", "eu")}"', 1)[1].split("</details>", 1)[0]
    assert f"Showing {DRILL_LIMIT} of 100 items." in section
    listed = re.findall(r"<td>(item-\d+)</td>", section)
    assert len(listed) == DRILL_LIMIT
    exposure = {r["item_id"]: r["exposure"] for r in scan.assessment.to_pylist()}
    order = ["low", "medium", "high", "critical"]
    ranks = [order.index(exposure[i]) for i in listed]
    assert ranks == sorted(ranks, reverse=True)
    assert ranks[0] == max(order.index(e) for i, e in exposure.items() if int(i[5:]) % 2 == 0)


def test_hostile_strings_are_escaped() -> None:
    scan = build_scan(10, categories=("news_publisher",), markets=("us",))
    urls = ['javascript:alert(1)"><script>alert(2)</script>'] * 10
    facts = scan.facts.set_column(1, "url", pa.array(urls))
    content = build_report(facts, scan.assessment, None, {"title": "<img src=x onerror=alert(3)>"})
    html = render_html(content)
    check(html)
    assert "<script>alert" not in html and "<img src=x" not in html
    assert 'href="javascript:' not in html
    md = render_markdown(content)
    assert not re.search(r"(?<!\\)<(img|script)", md)
    assert "\\<img src=x onerror=alert(3)\\>" in md


def test_markdown_carries_the_same_numbers(small_scan: Scan) -> None:
    content = build_report(
        small_scan.facts, small_scan.assessment, None, {"markets": list(small_scan.markets)}
    )
    md = render_markdown(content)
    assert md.startswith("# Preliminary risk assessment")
    assert "> **Risk assessment, not legal advice.**" in md
    assert "knowledge base as of 2026-11-28" in md
    for v in content.top:
        assert f"### {v.rank}. {v.label}" in md
        for rec in v.recommendations:
            assert rec.text in md
    for step in content.next_steps:
        assert step.text in md
    tables: list[list[str]] = [[]]
    for line in md.splitlines():
        if line.startswith("|"):
            tables[-1].append(line)
        elif tables[-1]:
            tables.append([])
    for table in (t for t in tables if t):
        widths = {len(re.findall(r"(?<!\\)\|", line)) for line in table}
        assert len(widths) == 1, table[:3]
    total = sum(content.matrix["items"].to_list())
    assert total == small_scan.assessment.num_rows
    for heading in (
        "## Risk matrix",
        "### Every market",
        "### Every category",
        "### Policy results",
        "### Authorities cited",
        "### Method and limits",
    ):
        assert heading in md


def test_md_escape() -> None:
    assert md_escape("a|b\n[c](d) <e>") == "a\\|b \\[c\\](d) \\<e\\>"
    assert md_escape(None) == ""
