# SPDX-License-Identifier: Apache-2.0
"""The schema of one licence vocabulary entry (``data/licenses/<id>.yaml``), in pydantic v2.

One file per licence, named by its canonical id: the SPDX id where the SPDX list has one,
``LicenseRef-clearance-<slug>`` otherwise, or one of the states ``unknown``,
``all-rights-reserved``, ``public-domain``, ``tos-prohibits-ml``.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CONDITIONS",
    "STATES",
    "USES",
    "LicenseEntry",
    "PermissionOverride",
    "Terms",
    "Use",
]

Use = Literal[
    "research_training",
    "commercial_training",
    "genai_training",
    "fine_tuning",
    "rag_inference",
    "dataset_redistribution",
    "weights_release",
]
USES: tuple[Use, ...] = (
    "research_training",  # training a model for non-commercial research
    "commercial_training",  # training a model that is used commercially
    "genai_training",  # training a generative model whose outputs are offered to others
    "fine_tuning",  # fine-tuning an existing model for deployment
    "rag_inference",  # retrieval / grounding: the item is shown or quoted at inference
    "dataset_redistribution",  # publishing the data (or a derived dataset)
    "weights_release",  # publishing weights of a model trained on the data
)
STATES: tuple[str, ...] = ("unknown", "all-rights-reserved", "public-domain", "tos-prohibits-ml")

#: Every condition a permission can carry; one vocabulary, documented in docs/licenses.md.
CONDITIONS: tuple[str, ...] = (
    "attribution",
    "share_alike",
    "no_derivatives_shared",
    "non_commercial_only",
    "research_only",
    "notice_file",
    "computational_use_only",
    "use_restrictions_flow_down",
    "acceptable_use_policy",
    "mau_threshold",
    "model_naming",
    "no_competing_models",
    "impact_report",
    "internal_use_only",
    "no_model_distribution",
    "no_other_llm_training",
)

Grant = Literal["allowed", "conditional", "not_allowed", "unknown"]
Verdict = Literal["allowed", "conditional", "not_allowed", "unknown"]
_ID = re.compile(r"^(LicenseRef-clearance-[a-z0-9][a-z0-9.+-]*|[A-Za-z0-9][A-Za-z0-9.+-]*)$")


class Terms(BaseModel):
    """What the licence grants and requires, as facts the permission rules read."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    commercial_use: Grant = "allowed"
    derivatives: Literal["allowed", "private_only", "not_allowed", "unknown"] = "allowed"
    share_alike: bool = False
    attribution: bool = True
    notice_required: bool = False
    non_commercial: bool = False
    research_only: bool = False
    ai_training: Literal["silent", "allowed", "conditional", "not_allowed", "unknown"] = "silent"
    ai_terms: str | None = None
    output_restrictions: str | None = None
    use_restrictions: bool = False
    redistribution: Grant = "allowed"
    conditions: tuple[str, ...] = ()

    @field_validator("conditions")
    @classmethod
    def _known_conditions(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [c for c in value if c not in CONDITIONS]
        if unknown:
            raise ValueError(f"unknown condition(s) {unknown}; known: {list(CONDITIONS)}")
        return value


class PermissionOverride(BaseModel):
    """A verdict for one use that the generic rules would get wrong for this licence."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    verdict: Verdict
    conditions: tuple[str, ...] = ()
    reason: str


class LicenseEntry(BaseModel):
    """One licence (or licence state) of the vocabulary."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="Canonical id; also the file name without .yaml.")
    name: str
    family: str
    kind: Literal["license", "dedication", "mark", "terms", "state"] = "license"
    spdx_id: str | None = None
    scancode_key: str | None = None
    version: str | None = None
    cc_code: str | None = None
    terms: Terms = Terms()
    permissions: dict[Use, PermissionOverride] = {}
    aliases: tuple[str, ...] = ()
    urls: tuple[str, ...] = ()
    passages: tuple[str, ...] = ()
    ports: dict[str, str] = {}
    restrictiveness: int | None = Field(default=None, ge=0, le=100)
    source_url: str
    verified: bool = False
    notes: str | None = None

    @field_validator("id")
    @classmethod
    def _id_shape(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"id {value!r} is neither an SPDX-style id nor LicenseRef-clearance-*")
        return value

    @field_validator("urls")
    @classmethod
    def _url_shape(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for url in value:
            if "://" in url or url != url.lower() or url.endswith("/") or url.startswith("www."):
                raise ValueError(f"url {url!r} must be lower case, scheme-less, no www., no '/'")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> LicenseEntry:
        if self.spdx_id is not None and self.spdx_id != self.id:
            raise ValueError(f"an entry with an SPDX id must use it as its id ({self.spdx_id})")
        if self.kind == "state" and self.id not in STATES:
            raise ValueError(f"state entries must be one of {STATES}")
        if (
            self.spdx_id is None
            and self.kind != "state"
            and not self.id.startswith("LicenseRef-clearance-")
        ):
            raise ValueError("ids without an SPDX id must be LicenseRef-clearance-<slug>")
        return self
