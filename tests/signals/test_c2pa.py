# SPDX-License-Identifier: Apache-2.0
"""C2PA/CAWG training-mining: assets signed here with c2pa-python, spec examples, fallback."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clearance.signals.c2pa import read_c2pa, training_mining_signals
from clearance.signals.detect import scan_bytes
from clearance.signals.jumbf import decode_cbor, find_labelled_boxes
from clearance.signals.resolve import resolve
from tests.fuzzing import budget
from tests.signals import media_fixtures as mf

pytest.importorskip("c2pa", reason="c2pa-python is a declared dependency; needed here")


def table(signals):
    return {s.purpose: s.verdict for s in signals}


def test_cawg_spec_example_signed_and_read() -> None:
    # The CAWG v1.1 example: ai_training allowed, ai_generative_training notAllowed,
    # data_mining constrained with constraint_info.
    data = mf.c2pa_signed(
        "cawg.training-mining",
        {
            "entries": {
                "cawg.ai_training": {"use": "allowed"},
                "cawg.ai_generative_training": {"use": "notAllowed"},
                "cawg.data_mining": {
                    "use": "constrained",
                    "constraint_info": "may only be mined on our servers",
                },
            }
        },
    )
    report = read_c2pa(data, mime="image/jpeg", where="a.jpg")
    assert table(report.signals) == {
        "ai_training": "not_reserved",
        "genai_training": "reserved",
        "tdm": "reserved",
    }
    tdm = next(s for s in report.signals if s.purpose == "tdm")
    assert any("may only be mined on our servers" in n for n in tdm.notes)
    assert any("validation_state" in n for n in report.notes)
    assert resolve(report.signals)["ai_inference"].verdict == "unknown"


def test_legacy_c2pa_label_signed_and_read_in_png() -> None:
    data = mf.c2pa_signed(
        "c2pa.training-mining", {"entries": {"c2pa.ai_training": {"use": "notAllowed"}}}, fmt="PNG"
    )
    report = scan_bytes(data, name="legacy.png")
    assert table([s for s in report.signals if s.standard == "c2pa"]) == {"ai_training": "reserved"}


def test_constrained_counts_as_not_allowed() -> None:
    data = mf.c2pa_signed(
        "cawg.training-mining", {"entries": {"cawg.ai_inference": {"use": "constrained"}}}
    )
    assert table(read_c2pa(data).signals) == {"ai_inference": "reserved"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            {"entries": {"cawg.ai_generative_training": {"use": "notAllowed"}}},
            {"genai_training": "reserved"},
        ),
        (
            {
                "entries": {
                    "cawg.data_mining": {
                        "use": "constrained",
                        "constraint_info": "licence at https://x",
                    }
                }
            },
            {"tdm": "reserved"},
        ),
        ({"entries": {"c2pa.ai_training": {"use": "notAllowed"}}}, {"ai_training": "reserved"}),
        ({"entries": {"cawg.ai_inference": {"use": "allowed"}}}, {"ai_inference": "not_reserved"}),
    ],
)
def test_digest_examples(data: dict, expected: dict) -> None:
    signals, problems = training_mining_signals(data, label="cawg.training-mining", location="x")
    assert table(signals) == expected and problems == []


def test_v1_0_without_entries_wrapper_custom_keys_and_bad_values() -> None:
    signals, problems = training_mining_signals(
        {
            "cawg.ai_training": {"use": "notAllowed"},
            "com.example.x": {"use": "notAllowed"},
            "cawg.data_mining": {"use": "maybe"},
        },
        label="cawg.training-mining",
        location="x",
    )
    assert table(signals) == {"ai_training": "reserved"}
    assert any("entries" in n for n in signals[0].notes)
    assert len(problems) == 1


def test_no_manifest_is_unknown() -> None:
    report = read_c2pa(mf.image("JPEG"), mime="image/jpeg")
    assert report.signals == () and resolve(report.signals)["genai_training"].verdict == "unknown"


def test_broken_asset_falls_back_to_lenient_jumbf_scan() -> None:
    data = mf.c2pa_signed(
        "cawg.training-mining", {"entries": {"cawg.ai_generative_training": {"use": "notAllowed"}}}
    )
    at = data.index(b"\xff\xda")  # destroy the image data after the manifest
    broken = data[:at] + b"\x00" * 64
    report = read_c2pa(broken, mime="image/jpeg")
    assert table(report.signals) == {"genai_training": "reserved"}
    assert all(s.confidence == 0.5 for s in report.signals)
    assert report.problems >= 1


def test_jumbf_scan_finds_the_cbor_box() -> None:
    data = mf.c2pa_signed(
        "cawg.training-mining", {"entries": {"cawg.ai_training": {"use": "allowed"}}}
    )
    ((label, content, problem),) = find_labelled_boxes(data, ("cawg.training-mining",))
    assert problem == "" and content["entries"]["cawg.ai_training"]["use"] == "allowed"


@budget(300, deadline=None)
@given(st.binary(max_size=2000))
def test_cbor_decoder_and_jumbf_scan_never_crash(data: bytes) -> None:
    try:
        decode_cbor(data)
    except ValueError:
        pass
    find_labelled_boxes(b"jumd" + data, ("cawg.training-mining",))
    find_labelled_boxes(data, ("cawg.training-mining",))


@budget(30, deadline=None)
@given(st.binary(max_size=3000))
def test_c2pa_reader_on_random_bytes_never_raises(data: bytes) -> None:
    read_c2pa(b"\xff\xd8\xff" + data, mime="image/jpeg")
    read_c2pa(data)


def test_deep_cbor_is_refused() -> None:
    with pytest.raises(ValueError):
        decode_cbor(b"\x81" * 10_000 + b"\x00")
