# SPDX-License-Identifier: Apache-2.0
"""MODEL.yaml: what the provider knows about its model that a scan cannot know.

``load_model_info(path)`` validates the file with pydantic and raises ``InputError`` naming
the file and the field; ``example_model_yaml()`` returns the bundled, commented example (the
demo's "Acme AI"). Every field but the provider's and the model's names is optional: a field
left out becomes a named gap in the drafts, never a guess.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from clearance.errors import InputError
from clearance.yamlio import load_yaml

__all__ = [
    "TIERS",
    "Contact",
    "Crawler",
    "DatasetInfo",
    "ModelInfo",
    "example_model_yaml",
    "load_model_info",
    "parse_model_info",
]

TIERS = ("approved", "restricted", "prohibited")
Name = Annotated[str, Field(min_length=1, max_length=300)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Contact(_Strict):
    """A point of contact: at least one of e-mail, address or URL."""

    email: Name | None = None
    address: Text | None = None
    url: Name | None = None

    def text(self) -> str:
        """Return the contact on one line."""
        return "; ".join(v for v in (self.email, self.address, self.url) if v)


class Representative(_Strict):
    """The authorised representative in the Union (Art. 54 AI Act)."""

    name: Name
    contact: Contact | None = None


class Provider(_Strict):
    """The provider (EU) or developer (California)."""

    name: Name
    contact: Contact | None = None
    authorised_representative: Representative | None = None
    sme: bool | None = None
    code_of_practice_signatory: bool | None = None
    copyright_policy_url: Name | None = None
    complaints_contact: Name | None = None
    complaints_url: Name | None = None


class Dependency(_Strict):
    """A base model this one modifies, with a link to its own summary."""

    name: Name
    summary_url: Name | None = None


class Model(_Strict):
    """The model the disclosures are about."""

    name: Name
    version: Name
    description: Text | None = None
    intended_purpose: Text | None = None
    modalities: list[Literal["text", "image", "audio", "video", "other"]] = []
    dependencies: list[Dependency] = []
    placed_on_eu_market: dt.date | None = None
    released_in_california: dt.date | None = None
    summary_version: Name | None = None
    previous_summaries: list[Name] = []


class SizeEstimate(_Strict):
    """A provider's own size figure for a modality the scan cannot count (tokens, hours)."""

    value: float = Field(ge=0)
    unit: Literal["tokens", "images", "hours", "items", "bytes", "other"]
    method: Text | None = None


class Training(_Strict):
    """Which part of the scan the model was trained on, and when."""

    start: dt.date | None = None
    end: dt.date | None = None
    tiers: list[Literal["approved", "restricted", "prohibited"]] | None = None
    collection_ongoing: bool | None = None
    size_estimates: dict[Literal["text", "image", "audio", "video", "other"], SizeEstimate] = {}


class DatasetInfo(_Strict):
    """What the provider knows about one dataset of the scan (matched on ``dataset_name``)."""

    id: Name
    public_name: Name | None = None
    owner: Text | None = None
    url: Name | None = None
    purpose: Text | None = None
    first_used: dt.date | None = None
    purchased_or_licensed: bool | None = None
    aggregate_consumer_information: bool | None = None
    labels: Text | None = None


class Crawler(_Strict):
    """A crawler run by the provider or on its behalf."""

    name: Name
    user_agent: Name | None = None
    purpose: Text | None = None
    behaviour: Text | None = None


class Generator(_Strict):
    """A model used to generate synthetic training data."""

    name: Name
    provider: Name | None = None
    on_market: bool | None = None
    summary_url: Name | None = None


class UserData(_Strict):
    """EU 2.4: data from users of the model or of the provider's other services."""

    from_model_interactions: bool | None = None
    from_other_services: bool | None = None
    services: Text | None = None


class Step(_Strict):
    """One cleaning, filtering or other processing step, and why."""

    step: Text
    purpose: Text | None = None


class ModelInfo(_Strict):
    """The whole MODEL.yaml."""

    provider: Provider
    model: Model
    training: Training = Training()
    datasets: list[DatasetInfo] = []
    crawlers: list[Crawler] = []
    synthetic_generators: list[Generator] = []
    user_data: UserData = UserData()
    processing: list[Step] = []
    illegal_content_measures: list[Text] = []
    other_processing: Text | None = None
    output_safeguards: Text | None = None
    acceptable_use_policy_url: Name | None = None

    def dataset(self, dataset_id: str | None) -> DatasetInfo | None:
        """Return the entry for a scan dataset name, or None."""
        return next((d for d in self.datasets if d.id == dataset_id), None)


def _summarise(exc: ValidationError) -> str:
    parts = []
    for err in exc.errors()[:5]:
        where = ".".join(str(p) for p in err["loc"]) or "document"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - len(parts)
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")


def parse_model_info(text: str | bytes, *, source: str = "MODEL.yaml") -> ModelInfo:
    """Return the ModelInfo in ``text``; raise InputError naming ``source`` when it is invalid."""
    try:
        data: Any = load_yaml(text, unique_keys=True)
    except (yaml.YAMLError, ValueError, RecursionError) as exc:
        raise InputError(f"{source}: invalid YAML: {exc}".replace("\n", " ")) from exc
    if not isinstance(data, dict):
        raise InputError(f"{source}: expected a mapping with 'provider' and 'model'")
    try:
        return ModelInfo.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{source}: {_summarise(exc)}") from exc


def load_model_info(path: str | Path) -> ModelInfo:
    """Return the ModelInfo in the file at ``path``; raise InputError naming it when invalid."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from exc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 at byte {exc.start}") from exc
    return parse_model_info(text, source=str(path))


def example_model_yaml() -> str:
    """Return the bundled, commented example MODEL.yaml (the demo's Acme AI)."""
    ref = resources.files("clearance").joinpath("data/disclose/example-model.yaml")
    return ref.read_text("utf-8")
