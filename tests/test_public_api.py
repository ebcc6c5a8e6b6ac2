# SPDX-License-Identifier: Apache-2.0
"""The public API is one sorted ``__all__`` that names every public attribute."""

import clearance


def test_all_is_sorted_and_unique() -> None:
    assert list(clearance.__all__) == sorted(set(clearance.__all__))


def test_all_names_every_public_member() -> None:
    public = {
        name
        for name, value in vars(clearance).items()
        if not name.startswith("_") and getattr(value, "__module__", "").startswith("clearance")
    }
    assert public <= set(clearance.__all__)
    for name in clearance.__all__:
        assert hasattr(clearance, name), name

