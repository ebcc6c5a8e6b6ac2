# SPDX-License-Identifier: Apache-2.0
"""Hugging Face datasets: ``save_to_disk`` directories (read with pyarrow alone) and
``datasets.Dataset`` objects handed to the API.

Image and Audio features (structs of ``bytes`` and ``path``) become ``file_path``,
``size_bytes`` and ``content_sha256`` columns; the dataset's name, version and declared
licence come from its ``dataset_info.json`` (or ``Dataset.info``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from clearance.errors import ManifestError
from clearance.ingest.readers.base import RawChunk
from clearance.ingest.readers.columnar import iter_arrow_table, read_arrow_stream

__all__ = ["hf_defaults", "is_hf_dataset_object", "read_hf_disk", "read_hf_object"]

_MEDIA_TYPES = {"Image": "image", "Audio": "audio", "Video": "video"}


def hf_defaults(info: dict[str, Any]) -> dict[str, str]:
    """Return canonical defaults stated by a ``dataset_info`` mapping."""
    out: dict[str, str] = {}
    name = info.get("dataset_name") or info.get("builder_name")
    if name:
        out["dataset_name"] = str(name)
    version = info.get("version")
    if isinstance(version, dict) and version.get("version_str"):
        out["dataset_version"] = str(version["version_str"])
    elif isinstance(version, str) and version:
        out["dataset_version"] = version
    if info.get("license"):
        out["dataset_license"] = str(info["license"])
    features = info.get("features") or {}
    kinds = {
        _MEDIA_TYPES[f["_type"]]
        for f in features.values()
        if isinstance(f, dict) and f.get("_type") in _MEDIA_TYPES
    }
    if len(kinds) == 1:
        out["modality"] = kinds.pop()
    return out


def _media_columns(table: pa.Table, info: dict[str, Any]) -> pa.Table:
    features = info.get("features") or {}
    for name, feature in features.items():
        if not (isinstance(feature, dict) and feature.get("_type") in _MEDIA_TYPES):
            continue
        if name not in table.column_names:
            continue
        column = table[name].combine_chunks()
        if not pa.types.is_struct(column.type):
            continue
        fields = {column.type.field(i).name for i in range(column.type.num_fields)}
        paths = column.field("path") if "path" in fields else None
        blobs = column.field("bytes").to_pylist() if "bytes" in fields else []
        digests = [hashlib.sha256(b).hexdigest() if b else None for b in blobs]
        sizes = [str(len(b)) if b else None for b in blobs]
        table = table.drop_columns([name])
        if paths is not None and "file_path" not in table.column_names:
            table = table.append_column("file_path", paths.cast(pa.string()))
        if blobs and "content_sha256" not in table.column_names:
            table = table.append_column("content_sha256", pa.array(digests, pa.string()))
            table = table.append_column("size_bytes", pa.array(sizes, pa.string()))
        break
    return table


def _load_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ManifestError(f"unreadable Hugging Face metadata ({exc})", path=path) from exc
    return data if isinstance(data, dict) else {}


def read_hf_disk(root: Path, *, batch_rows: int = 1 << 20) -> Iterator[RawChunk]:
    """Yield chunks of a ``save_to_disk`` directory (a Dataset or a DatasetDict)."""
    if (root / "dataset_dict.json").is_file():
        splits = _load_json(root / "dataset_dict.json").get("splits") or []
        for split in splits:
            for chunk in read_hf_disk(root / str(split), batch_rows=batch_rows):
                chunk.defaults.setdefault("dataset_split", str(split))
                yield chunk
        return
    info = _load_json(root / "dataset_info.json") if (root / "dataset_info.json").is_file() else {}
    state = _load_json(root / "state.json") if (root / "state.json").is_file() else {}
    files = [root / f["filename"] for f in state.get("_data_files", []) if "filename" in f]
    if not files:
        files = sorted(root.glob("data-*.arrow"))
    if not files:
        raise ManifestError("no data-*.arrow files in this save_to_disk directory", path=root)
    defaults = hf_defaults(info)
    for path in files:
        for chunk in read_arrow_stream(path, batch_rows=batch_rows):
            chunk.table = _media_columns(chunk.table, info)
            chunk.defaults.update(defaults)
            yield chunk


def is_hf_dataset_object(obj: object) -> bool:
    """Return True for a ``datasets.Dataset`` (duck-typed: no import of ``datasets``)."""
    return (
        type(obj).__module__.startswith("datasets")
        and hasattr(obj, "data")
        and hasattr(obj, "info")
    )


def read_hf_object(dataset: Any, *, batch_rows: int = 1 << 20) -> Iterator[RawChunk]:
    """Yield chunks of an in-memory ``datasets.Dataset``."""
    info_obj = dataset.info
    info: dict[str, Any] = {
        "dataset_name": getattr(info_obj, "dataset_name", None),
        "builder_name": getattr(info_obj, "builder_name", None),
        "license": getattr(info_obj, "license", None),
        "version": {"version_str": str(info_obj.version)} if info_obj.version else None,
        "features": dataset.features.to_dict() if dataset.features is not None else {},
    }
    table = dataset.data.table
    if getattr(dataset, "_indices", None) is not None:
        table = dataset.with_format("arrow")[:]
    name = info.get("dataset_name") or info.get("builder_name") or "datasets.Dataset"
    defaults = hf_defaults(info)
    for chunk in iter_arrow_table(table, f"<Dataset {name}>", batch_rows=batch_rows):
        chunk.table = _media_columns(chunk.table, info)
        chunk.defaults.update(defaults)
        yield chunk
