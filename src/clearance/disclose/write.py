# SPDX-License-Identifier: Apache-2.0
"""``write_disclosures``: every draft and export for one scan and one MODEL.yaml, written
atomically (each file to a temporary name, then renamed) into the output folder."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from clearance.atomic import write_atomic
from clearance.disclose.ab2013 import build_ab2013
from clearance.disclose.code_of_practice import build_code_of_practice
from clearance.disclose.croissant import build_croissant
from clearance.disclose.cyclonedx import build_cyclonedx
from clearance.disclose.diff import diff_digests, render_changes
from clearance.disclose.digest import ScanDigest, digest_scan
from clearance.disclose.document import render_markdown
from clearance.disclose.eu_summary import build_eu_summary
from clearance.disclose.hf_card import build_hf_card, licences_markdown
from clearance.disclose.model_info import ModelInfo
from clearance.disclose.scan_files import open_scan
from clearance.disclose.spdx3 import build_spdx3
from clearance.errors import InputError, ReportError

__all__ = ["DISCLOSURE_FILES", "DisclosureResult", "write_disclosures"]

#: The files written, by key (the disclosure contract).
DISCLOSURE_FILES = {
    "eu_summary_md": "eu-training-summary.md",
    "eu_summary_docx": "eu-training-summary.docx",
    "eu_summary_pdf": "eu-training-summary.pdf",
    "ab2013_md": "california-ab2013.md",
    "code_of_practice_md": "code-of-practice-copyright.md",
    "hf_card": "huggingface/README.md",
    "hf_licences": "huggingface/LICENSES.md",
    "croissant": "croissant.json",
    "spdx3": "training-data.spdx3.json",
    "cyclonedx": "training-data.cdx.json",
    "domains_csv": "domains.csv",
    "digest": "disclosure.json",
}


@dataclass(frozen=True)
class DisclosureResult:
    """What was written: file paths by key, the gaps of the EU summary, the changes (if any)."""

    directory: str
    files: dict[str, str]
    gaps: list[str]
    changes: list[str] | None


def _atomic(path: Path, write: Callable[[Path], object]) -> None:
    write_atomic(path, write, error=ReportError, mkdir=True)


def _text(data: str) -> Callable[[Path], None]:
    def write(path: Path) -> None:
        path.write_text(data, encoding="utf-8")

    return write


def _json(data: Any) -> Callable[[Path], None]:
    return _text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def _domains_csv(d: ScanDigest) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["rank", "registrable_domain", "items", "bytes"])
    r = d.domains
    for i, (dom, n, b) in enumerate(zip(r.domains, r.items, r.bytes, strict=True), 1):
        w.writerow([i, dom, n, b])
    return buf.getvalue()


def _tiers(model: ModelInfo) -> list[str] | None:
    tiers = model.training.tiers
    return None if tiers is None else [str(t) for t in tiers]


def _previous(since: Path, model: ModelInfo) -> dict[str, Any]:
    file = since / DISCLOSURE_FILES["digest"]
    if file.is_file():
        try:
            data = json.loads(file.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(f"{file}: cannot read the previous disclosure: {exc}") from exc
        digest = data.get("digest") if isinstance(data, dict) else None
        if not isinstance(digest, dict):
            raise InputError(f"{file}: not a clearance disclosure.json (no 'digest')")
        return digest
    if (since / "facts.parquet").is_file():
        return digest_scan(open_scan(since), _tiers(model)).to_dict()
    raise InputError(f"{since}: neither a disclosure folder (disclosure.json) nor a scan folder "
                     "(facts.parquet)")


def write_disclosures(scan_dir: str | Path, model: ModelInfo, out: str | Path, *,
                      since: str | Path | None = None,
                      today: dt.date | None = None) -> DisclosureResult:
    """Write every disclosure draft and export for ``scan_dir`` into ``out``; return paths.

    Raises InputError for a folder that is not a scan (or a previous disclosure for
    ``since``) and ReportError when a file cannot be written.
    """
    from clearance.disclose.render_docx import write_docx
    from clearance.disclose.render_pdf import write_pdf

    today = today or dt.date.today()
    digest = digest_scan(open_scan(scan_dir), _tiers(model))
    previous = _previous(Path(since), model) if since is not None else None
    out_dir = Path(out)
    paths = {k: out_dir / v for k, v in DISCLOSURE_FILES.items()}
    eu = build_eu_summary(model, digest, today=today)
    changes = None
    if previous is not None:
        changes = diff_digests(previous, digest.to_dict(), sme=bool(model.provider.sme))
        paths["changes_md"] = out_dir / "changes.md"
        eu.header.append(("Changes since the previous version",
                          f"{len(changes)} (see changes.md)" if changes else "none"))
    _atomic(paths["eu_summary_md"], _text(render_markdown(eu)))
    _atomic(paths["eu_summary_docx"], lambda p: write_docx(eu, p))
    _atomic(paths["eu_summary_pdf"], lambda p: write_pdf(eu, p))
    _atomic(paths["ab2013_md"], _text(render_markdown(build_ab2013(model, digest, today=today))))
    _atomic(paths["code_of_practice_md"],
            _text(render_markdown(build_code_of_practice(model, digest, today=today))))
    _atomic(paths["hf_card"], _text(build_hf_card(model, digest, today=today)))
    _atomic(paths["hf_licences"], _text(licences_markdown(digest)))
    _atomic(paths["croissant"], _json(build_croissant(model, digest, today=today)))
    _atomic(paths["spdx3"], _json(build_spdx3(model, digest, today=today)))
    _atomic(paths["cyclonedx"], _json(build_cyclonedx(model, digest, today=today)))
    _atomic(paths["domains_csv"], _text(_domains_csv(digest)))
    if changes is not None:
        _atomic(paths["changes_md"], _text(render_changes(
            changes, Path(str(since)).name, f"{model.model.name} {model.model.version}")))
    gaps = [f"{where}: {what}" for where, what in eu.gaps()]
    _atomic(paths["digest"], _json({"disclosure_version": 1, "created": today.isoformat(),
                                    "model": f"{model.model.name} {model.model.version}",
                                    "gaps": gaps, "digest": digest.to_dict()}))
    return DisclosureResult(str(out_dir), {k: str(v) for k, v in paths.items()}, gaps, changes)
