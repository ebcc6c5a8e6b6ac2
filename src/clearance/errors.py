# SPDX-License-Identifier: Apache-2.0
"""Every exception clearance raises, in one tree.

::

    ClearanceError                  base of everything below; the CLI maps it to exit code 1
    ├── InputError                  the user gave us something we cannot use
    │   ├── ManifestError           a manifest cannot be read (names path, row, column)
    │   │   ├── UnknownFormatError  no reader recognises the file
    │   │   ├── EmptyManifestError  the file or directory holds no rows
    │   │   ├── EncodingError       bytes that are not valid UTF-8 (or the declared encoding)
    │   │   └── MalformedRowError   one row breaks the schema (names row and column)
    │   ├── ColumnMappingError      a --map entry names a column that is not there
    │   ├── FactsError              facts given to the law engine are outside the vocabulary
    │   ├── TakedownError           a takedown or opt-out request is invalid or cannot be stored
    │   └── ContractError           a term sheet, playbook, agreement or consent record given to
    │                               `draft` is invalid or cannot be read (names the file)
    ├── KnowledgeBaseError          a shipped or user YAML data file is invalid (names the file)
    │   ├── PolicyError             a policy document is invalid
    │   └── RuleError               a law rule or knowledge-base entry is invalid
    ├── FetchError                  a network fetch failed (names the URL)
    │   ├── BlockedAddressError     the SSRF guard refused the destination
    │   ├── FetchTimeout            the fetch ran out of time
    │   └── ResponseTooLarge        a body or its decompression exceeded the byte cap
    ├── EvidenceError               the evidence store cannot be read or written
    │   └── TamperError             the hash-chained ledger does not verify
    ├── ReportError                 a report or disclosure cannot be rendered
    └── WorkerError                 a worker process of the local engine stopped unfinished

Errors carry the context needed to act on them (``path``, ``row``, ``column``, ``url``) and,
for the web layer, an HTTP ``status``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = [
    "BlockedAddressError",
    "ClearanceError",
    "ColumnMappingError",
    "ContractError",
    "EmptyManifestError",
    "EncodingError",
    "EvidenceError",
    "FactsError",
    "FetchError",
    "FetchTimeout",
    "InputError",
    "KnowledgeBaseError",
    "MalformedRowError",
    "ManifestError",
    "PolicyError",
    "ReportError",
    "ResponseTooLarge",
    "RuleError",
    "TakedownError",
    "TamperError",
    "UnknownFormatError",
    "WorkerError",
]


class ClearanceError(Exception):
    """Base class of every error clearance raises on purpose."""

    status = 500

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InputError(ClearanceError):
    """Raised when user input (a file, an option, a value) cannot be used."""

    status = 400


class ManifestError(InputError):
    """Raised when a manifest cannot be read; names the file and, when known, row and column."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        column: str | None = None,
    ) -> None:
        self.path = str(path) if path is not None else None
        self.row = row
        self.column = column
        where = []
        if self.path is not None:
            where.append(self.path)
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column {column!r}")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)
        self.reason = message

    def __reduce__(self) -> tuple[Any, ...]:
        # keep path/row/column when the error crosses a process boundary
        return (_rebuild_manifest_error, (type(self), self.reason, self.path, self.row,
                                          self.column))


def _rebuild_manifest_error(
    cls: type[ManifestError], reason: str, path: str | None, row: int | None, column: str | None
) -> ManifestError:
    return cls(reason, path=path, row=row, column=column)


class UnknownFormatError(ManifestError):
    """Raised when no reader recognises a manifest's format."""


class EmptyManifestError(ManifestError):
    """Raised when a manifest file or directory holds no rows at all."""


class EncodingError(ManifestError):
    """Raised when a manifest holds bytes that are not valid in its encoding."""


class MalformedRowError(ManifestError):
    """Raised (with ``--on-error fail``) when one row breaks the canonical schema."""


class ColumnMappingError(InputError):
    """Raised when a column mapping is malformed or names a column the manifest lacks."""


class FactsError(InputError):
    """Raised when facts handed to the law engine use a key or value outside the vocabulary."""


class KnowledgeBaseError(ClearanceError):
    """Raised when a YAML data file (shipped or the user's) is invalid; names the file."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)
        self.reason = message


class PolicyError(KnowledgeBaseError):
    """Raised when a sourcing-policy document is invalid."""


class RuleError(KnowledgeBaseError):
    """Raised when a law rule or knowledge-base entry is invalid."""


class FetchError(ClearanceError):
    """Raised when a network fetch fails; names the URL."""

    status = 502

    def __init__(self, message: str, *, url: str | None = None) -> None:
        self.url = url
        super().__init__(f"{url}: {message}" if url else message)
        self.reason = message


class BlockedAddressError(FetchError):
    """Raised when the SSRF guard refuses a destination address or scheme."""

    status = 403


class FetchTimeout(FetchError):
    """Raised when a fetch runs out of time."""

    status = 504


class ResponseTooLarge(FetchError):
    """Raised when a response body, or its decompression, exceeds the configured byte cap."""


class EvidenceError(ClearanceError):
    """Raised when the evidence store (WARC files, index, ledger) cannot be read or written."""


class TamperError(EvidenceError):
    """Raised when the hash-chained evidence ledger does not verify."""


class TakedownError(InputError):
    """Raised when a takedown or opt-out request is invalid or cannot be stored."""


class ContractError(InputError):
    """Raised when a term sheet, playbook, incoming agreement or consent record is invalid."""

    def __init__(self, message: str, *, path: str | Path | None = None) -> None:
        self.path = str(path) if path is not None else None
        super().__init__(f"{self.path}: {message}" if self.path else message)
        self.reason = message


class ReportError(ClearanceError):
    """Raised when a report or disclosure cannot be rendered."""


class WorkerError(ClearanceError):
    """Raised when a worker process of the local engine stopped before its task finished
    (killed, out of memory, or a script that starts a scan at import time: worker processes
    are spawned and re-import the calling script)."""
