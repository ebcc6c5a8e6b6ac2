# SPDX-License-Identifier: Apache-2.0
"""``clearance license``: table and JSON output, errors map to exit code 1."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from clearance.cli import app

runner = CliRunner()


def test_json_output() -> None:
    result = runner.invoke(
        app, ["license", "CC BY-NC 4.0", "--use", "commercial_training", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["match"]["id"] == "CC-BY-NC-4.0"
    assert [p["verdict"] for p in data["permissions"]] == ["not_allowed"]
    assert data["license"]["non_commercial"] is True


def test_table_output_lists_every_use() -> None:
    result = runner.invoke(app, ["license", "Apache 2"])
    assert result.exit_code == 0, result.output
    assert "Apache-2.0" in result.stdout and "weights_release" in result.stdout


def test_unknown_use_exits_1() -> None:
    result = runner.invoke(app, ["license", "MIT", "--use", "nope"])
    assert result.exit_code == 1
