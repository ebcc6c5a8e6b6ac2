# SPDX-License-Identifier: Apache-2.0
"""YAML for the knowledge base: libyaml's C parser when present, and a duplicate-key check.

Every loader of ``data/`` goes through ``load_yaml``: the C parser reads the whole shipped
knowledge (~1,000 files) several times faster than the pure-Python one, and
``unique_keys=True`` refuses a mapping that repeats a key (a silent overwrite otherwise).
``load_shipped`` reads one shipped file into its pydantic model.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Annotated, Any, TypeVar

import yaml
from pydantic import AfterValidator, BaseModel, ValidationError

from clearance.errors import KnowledgeBaseError

__all__ = ["RegexText", "load_shipped", "load_yaml"]

M = TypeVar("M", bound=BaseModel)


def _compiles(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"the pattern {value!r} does not compile: {exc}") from exc
    return value


#: A field of a shipped table that holds a regular expression: validated when the table is
#: loaded, so a bad pattern fails naming the file, not at its first use.
RegexText = Annotated[str, AfterValidator(_compiles)]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader (C parser when available)."""


class _UniqueLoader(_Base):  # type: ignore[misc]
    """Safe loader that refuses a mapping with the same key twice."""


def _unique_mapping(loader: Any, node: yaml.MappingNode) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            ) from None
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return dict(loader.construct_mapping(node))


_UniqueLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def load_yaml(text: str | bytes, *, unique_keys: bool = False) -> Any:
    """Return the YAML document in ``text``; raise ``yaml.YAMLError`` when it is invalid."""
    return yaml.load(text, Loader=_UniqueLoader if unique_keys else _Loader)


def load_shipped(model: type[M], relative: str, *, unique_keys: bool = False) -> M:
    """Return the shipped file ``data/<relative>`` validated as ``model``.

    Raises KnowledgeBaseError naming the file when it cannot be read, is not YAML or does not
    fit the model (a :data:`RegexText` field that does not compile included).
    """
    path = resources.files("clearance").joinpath(f"data/{relative}")
    try:
        return model.model_validate(load_yaml(path.read_text(encoding="utf-8"),
                                              unique_keys=unique_keys))
    except (OSError, yaml.YAMLError, ValidationError, ValueError) as exc:
        raise KnowledgeBaseError(str(exc), path=str(path)) from exc
