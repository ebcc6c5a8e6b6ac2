# SPDX-License-Identifier: Apache-2.0
"""``clearance evidence``: verify an evidence directory, show what was seen at a URL."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from clearance.cli._app import app, console, out, plain, print_json, run
from clearance.engine.evidence import item_captures
from clearance.errors import TamperError
from clearance.fetch.history import Sighting, url_history
from clearance.fetch.verify import VerifyReport, verify_evidence

__all__ = ["evidence_app"]

evidence_app = typer.Typer(
    help="Evidence of what sites said, and when: WARC files, a hash-chained ledger, an index.",
    no_args_is_help=True,
)
app.add_typer(evidence_app, name="evidence")

_JSON = typer.Option(False, "--json", help="Write JSON instead of a table.")


@evidence_app.command("verify")
def verify(
    evidence_dir: Path = typer.Argument(..., help="Evidence directory (has ledger/ and warc/)."),
    quick: bool = typer.Option(
        False, "--quick", help="Skip parsing each record and checking its WARC-Block-Digest."
    ),
    as_json: bool = _JSON,
) -> None:
    """Check that no record or ledger entry was edited, deleted, inserted or reordered."""
    with console.status(f"verifying {evidence_dir} ..."):
        report: VerifyReport = run(lambda: verify_evidence(evidence_dir, deep=not quick))
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "records": report.records,
                "files": report.files,
                "chains": {k: {"entries": n, "head": h} for k, (n, h) in report.chains.items()},
                "problems": report.problems,
                "unreadable_records": report.unreadable_records,
                "unlisted_files": report.unlisted_files,
                "index_rows": report.index_rows,
            }
        )
    else:
        table = Table("chain", "entries", "head (publish it to anchor the evidence)")
        for shard, (n, head) in sorted(report.chains.items()):
            table.add_row(shard, str(n), head)
        out.print(table)
        out.print(f"{report.records} records in {report.files} WARC files")
        for problem in report.problems:
            out.print(f"[red]TAMPER[/] {plain(problem)}", highlight=False)
    if not report.ok:

        def fail() -> None:
            raise TamperError(
                f"{evidence_dir}: {len(report.problems)} problem(s); the evidence does not verify"
            )

        run(fail)
    elif not as_json:
        out.print("[green]verified[/]: every chain links and every record is as committed")


@evidence_app.command("show")
def show(
    url: str = typer.Argument(..., help="URL as requested (or as reached by a redirect), or "
                              "the URL of an item of the scan whose evidence folder this is."),
    evidence_dir: Path = typer.Option(Path("."), "--dir", "-d", help="Evidence directory."),
    body: bool = typer.Option(False, "--body", help="Print each captured body in full."),
    as_json: bool = _JSON,
) -> None:
    """Print what was seen at a URL, when, and where the record is; for an item of the scan,
    the capture its reservation rests on."""
    sightings = run(lambda: url_history(evidence_dir, url))
    if not sightings:
        items = item_captures(evidence_dir.parent, url)
        if items:
            _show_items(evidence_dir, items, body=body, as_json=as_json)
            return
    if as_json:
        print_json(
            [
                {
                    "run": s.run,
                    "doc": s.doc,
                    "date": s.date,
                    "outcome": s.outcome,
                    "status": s.status,
                    "final_url": s.final_url,
                    "error": s.error,
                    "warc": s.warc,
                    "pos": s.pos,
                    "record_id": s.record_id,
                    "payload_digest": s.payload_digest,
                    "ledger": s.ledger,
                    "headers": list(s.capture.headers) if s.capture else [],
                    "body": s.capture.body.decode("utf-8", "replace") if s.capture else "",
                }
                for s in sightings
            ]
        )
        return
    if not sightings:
        out.print(f"nothing recorded for {url}")
        raise typer.Exit(code=1)
    for s in sightings:
        status = s.status if s.status is not None else "-"
        out.print(f"[bold]{s.date}[/] {s.outcome} {status} ({s.doc}, run {s.run})", highlight=False)
        if s.final_url and s.final_url != url:
            out.print(f"  reached {s.final_url}", highlight=False)
        if s.error:
            out.print(f"  {s.error}", highlight=False)
        out.print(f"  {s.warc} @ {s.pos} {s.record_id} {s.payload_digest}", highlight=False)
        out.print(f"  ledger {s.ledger}", highlight=False)
        if s.capture and s.capture.body:
            text = s.capture.body.decode("utf-8", "replace")
            out.print(
                text if body else text[:400] + ("..." if len(text) > 400 else ""),
                highlight=False,
                markup=False,
            )


def _show_items(evidence_dir: Path, items: list[dict[str, object]], *, body: bool,
                as_json: bool) -> None:
    """Print, for items of the scan with the URL, the capture each reservation rests on."""
    records: dict[str, dict[str, Sighting]] = {}
    for item in items:
        capture_url = str(item.get("reservation_capture_url") or "")
        if capture_url and capture_url not in records:
            found = run(lambda u=capture_url: url_history(evidence_dir, u))  # type: ignore[misc]
            records[capture_url] = {s.record_id: s for s in found}
    if as_json:
        print_json([{**item, "capture": _sighting(records, item)} for item in items])
        return
    for item in items:
        out.print(f"[bold]item {plain(item.get('item_id'))}[/] collected "
                  f"{plain(str(item.get('collected_at') or 'unknown')[:10])}: reservation "
                  f"{plain(item.get('reservation'))} ({plain(item.get('reservation_form'))}); "
                  f"now {plain(item.get('reservation_now'))}", highlight=False)
        if not item.get("reservation_capture_url"):
            out.print("  no capture of its host stood when it was collected", highlight=False)
            continue
        age = item.get("reservation_capture_age_days")
        out.print(f"  judged on {plain(item['reservation_capture_url'])} captured "
                  f"{plain(str(item.get('reservation_capture_at'))[:19])}"
                  + (f" ({age} days before collection)" if age is not None else ""),
                  highlight=False)
        out.print(f"  record {plain(item.get('reservation_record_id'))}", highlight=False)
        if item.get("reservation_excerpt"):
            out.print(f"  rule: {plain(item['reservation_excerpt'])}", highlight=False)
        seen = _sighting(records, item)
        if seen:
            out.print(f"  in {plain(seen['warc'])} @ {seen['pos']}, ledger {plain(seen['ledger'])}",
                      highlight=False)
            if body and seen.get("body"):
                out.print(str(seen["body"]), highlight=False, markup=False)


def _sighting(
    records: dict[str, dict[str, Sighting]], item: dict[str, object]
) -> dict[str, object]:
    found = records.get(str(item.get("reservation_capture_url") or ""), {})
    s = found.get(str(item.get("reservation_record_id") or ""))
    if s is None:
        return {}
    body = s.capture.body.decode("utf-8", "replace") if s.capture else ""
    return {"warc": s.warc, "pos": s.pos, "ledger": s.ledger, "date": s.date, "body": body}
