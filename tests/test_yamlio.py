# SPDX-License-Identifier: Apache-2.0
"""The shipped YAML loaders."""

import pytest
from pydantic import BaseModel

from clearance.errors import KnowledgeBaseError
from clearance.yamlio import load_shipped


def test_a_malformed_shipped_file_is_a_knowledge_base_error_naming_it() -> None:
    """load_shipped: every loader of a shipped YAML file into its model fails the same way."""
    class Wants(BaseModel):
        no_such_field: int

    with pytest.raises(KnowledgeBaseError, match=r"(?s)statements\.yaml.*no_such_field"):
        load_shipped(Wants, "licenses/readers/statements.yaml")
    with pytest.raises(KnowledgeBaseError, match=r"missing\.yaml"):
        load_shipped(Wants, "licenses/readers/missing.yaml")


def test_a_pattern_that_does_not_compile_fails_at_load_naming_the_file(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import clearance.yamlio as yamlio
    from clearance.enrich.licenses.boilerplate import Boilerplate

    real = yamlio.load_yaml

    def broken(text: str, **kw: object) -> object:
        data = real(text)
        data["pointers"] = [*data["pointers"], "(unclosed"]
        return data

    monkeypatch.setattr(yamlio, "load_yaml", broken)
    with pytest.raises(KnowledgeBaseError, match=r"(?s)boilerplate\.yaml.*'\(unclosed'"):
        load_shipped(Boilerplate, "licenses/readers/boilerplate.yaml")
