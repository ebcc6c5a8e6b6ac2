# SPDX-License-Identifier: Apache-2.0
"""IPTC/PLUS DataMining in XMP, in every container; EXIF/IPTC evidence; hostile media and XML."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given
from hypothesis import strategies as st

from clearance.signals.detect import scan_bytes
from clearance.signals.media import walk_media
from clearance.signals.resolve import resolve
from clearance.signals.xmp import DATA_MINING, data_mining_value, parse_xmp
from tests.fuzzing import budget
from tests.signals import media_fixtures as mf

ALL5 = ("tdm", "ai_training", "genai_training", "ai_inference", "search")
R, N = "reserved", "not_reserved"
#: Every IPTC 2023.1 value with the verdict per purpose (None = no signal: unknown).
EXPECTED = {
    "DMI-UNSPECIFIED": dict.fromkeys(ALL5),
    "DMI-ALLOWED": dict.fromkeys(ALL5, N),
    "DMI-PROHIBITED-AIMLTRAINING": {
        "tdm": None,
        "ai_training": R,
        "genai_training": R,
        "ai_inference": None,
        "search": None,
    },
    "DMI-PROHIBITED-GENAIMLTRAINING": {
        "tdm": None,
        "ai_training": None,
        "genai_training": R,
        "ai_inference": None,
        "search": None,
    },
    "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING": {
        "tdm": R,
        "ai_training": R,
        "genai_training": R,
        "ai_inference": R,
        "search": N,
    },
    "DMI-PROHIBITED": dict.fromkeys(ALL5, R),
    "DMI-PROHIBITED-SEECONSTRAINT": {**dict.fromkeys(ALL5[:4], R), "search": None},
    "DMI-PROHIBITED-SEEEMBEDDEDRIGHTSEXPR": {**dict.fromkeys(ALL5[:4], R), "search": None},
    "DMI-PROHIBITED-SEELINKEDRIGHTSEXPR": {**dict.fromkeys(ALL5[:4], R), "search": None},
}


def table(signals):
    got = dict.fromkeys(ALL5)
    for s in signals:
        got[s.purpose] = s.verdict
    return got


def forms(token: str) -> list[bytes]:
    uri = mf.VOCAB + token
    return [
        mf.dmi_attribute(uri),
        mf.xmp_packet(f"<plus:DataMining>{uri}</plus:DataMining>"),
        mf.xmp_packet(f'<plus:DataMining rdf:resource="{uri}"/>'),
        mf.dmi_attribute(token.lower()),
    ]


@pytest.mark.parametrize("token", sorted(EXPECTED))
def test_every_iptc_value_in_every_form(token: str) -> None:
    for packet in forms(token):
        report = parse_xmp(packet, where="photo.jpg")
        assert table(report.signals) == EXPECTED[token], (token, packet)
        assert all(s.standard == "xmp-iptc" and s.scope == "item" for s in report.signals)


def test_exiftool_descriptions_and_legacy_draft_values_map_back() -> None:
    assert (
        data_mining_value("Prohibited for Generative AI/ML training")
        == "DMI-PROHIBITED-GENAIMLTRAINING"
    )
    assert (
        data_mining_value("Prohibited except for search engine indexing")
        == "DMI-PROHIBITED-EXCEPTSEARCHENGINEINDEXING"
    )
    legacy = parse_xmp(mf.dmi_attribute("DMI-ALLOWED-noaitraining")).signals
    assert table(legacy)["ai_training"] == R and legacy[0].confidence < 1
    assert set(DATA_MINING) >= set(EXPECTED)


def test_digest_example_4_constraint_text_is_attached() -> None:
    packet = mf.xmp_packet(
        '<plus:OtherConstraints><rdf:Alt><rdf:li xml:lang="x-default">No use in AI training '
        "before 2030</rdf:li></rdf:Alt></plus:OtherConstraints>"
    ).replace(
        b"<rdf:Description ",
        b'<rdf:Description plus:DataMining="'
        + mf.VOCAB.encode()
        + b'DMI-PROHIBITED-SEECONSTRAINT" ',
        1,
    )
    report = parse_xmp(packet)
    assert table(report.signals)["tdm"] == R
    assert any("No use in AI training before 2030" in n for n in report.signals[0].notes)


def test_unknown_value_is_unknown_and_counted() -> None:
    report = parse_xmp(mf.dmi_attribute("http://example.com/whatever"))
    assert report.signals == () and report.problems == 1


def test_tdmrep_in_xmp_both_namespaces_and_rights_evidence() -> None:
    for ns in ("http://www.w3.org/ns/tdmrep/", "http://www.w3.org/ns/tdmrep#"):
        packet = mf.xmp_packet(
            "<tdm:reservation>1</tdm:reservation><tdm:policy>https://p/x.json</tdm:policy>"
            '<dc:rights><rdf:Alt><rdf:li xml:lang="x-default">(c) 2026 Jane</rdf:li></rdf:Alt>'
            "</dc:rights><dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>",
            ns=f'xmlns:tdm="{ns}"',
        )
        report = parse_xmp(packet, where="doc.pdf")
        tdm = [s for s in report.signals if s.standard == "tdmrep"]
        assert table(tdm)["tdm"] == R and tdm[0].location == "doc.pdf#xmp:tdm:reservation"
        assert {(e.kind, e.value) for e in report.evidence} == {
            ("copyright", "(c) 2026 Jane"),
            ("creator", "Jane Doe"),
        }


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "TIFF", "WEBP", "GIF"])
def test_containers_carry_the_value(fmt: str) -> None:
    data = mf.image(fmt, mf.dmi_attribute(mf.VOCAB + "DMI-PROHIBITED-AIMLTRAINING"))
    report = scan_bytes(data, name=f"x.{fmt.lower()}")
    assert report.kind == {"JPEG": "jpeg", "WEBP": "webp"}.get(fmt, fmt.lower())
    assert table(report.signals)["ai_training"] == R
    assert resolve(report.signals)["ai_training"].verdict == R


@pytest.mark.parametrize("compress", [False, True])
def test_pdf_metadata_stream_plain_and_flate(compress: bool) -> None:
    data = mf.pdf(mf.dmi_attribute(mf.VOCAB + "DMI-PROHIBITED"), compress=compress)
    report = scan_bytes(data, name="doc.pdf")
    assert report.kind == "pdf" and table(report.signals) == EXPECTED["DMI-PROHIBITED"]
    assert ("creator", "Jane Doe") in {(e.kind, e.value) for e in report.evidence}


def test_exif_and_iptc_copyright_are_evidence_not_reservations() -> None:
    exif = scan_bytes(mf.image("JPEG", exif=mf.exif_blob("(c) 2026 Jane", "Jane Doe")))
    iptc = scan_bytes(mf.jpeg_with_app13(mf.iptc_iim("(c) 2026 Jane", "Jane Doe")))
    for report in (exif, iptc):
        assert report.signals == ()
        assert {e.kind for e in report.evidence} == {"copyright", "creator"}
        assert resolve(report.signals)["tdm"].verdict == "unknown"


def test_jpeg_extended_xmp_is_reassembled() -> None:
    import struct

    packet = mf.dmi_attribute(mf.VOCAB + "DMI-PROHIBITED")
    guid = b"0123456789ABCDEF0123456789ABCDEF"
    segs = b""
    half = len(packet) // 2
    for offset, chunk in ((0, packet[:half]), (half, packet[half:])):
        payload = (
            b"http://ns.adobe.com/xmp/extension/\x00"
            + guid
            + struct.pack(">II", len(packet), offset)
            + chunk
        )
        segs += b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    raw = mf.image("JPEG")
    report = scan_bytes(raw[:2] + segs + raw[2:])
    assert table(report.signals) == EXPECTED["DMI-PROHIBITED"]


def test_entity_bomb_and_dtd_are_refused_and_scanned_as_text() -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
        + b"".join(
            f'<!ENTITY a{i} "&a{i - 1 if i else ""};&a{i - 1 if i else ""};">'.encode()
            for i in range(1, 30)
        )
        + b']><x:xmpmeta xmlns:x="adobe:ns:meta/">&a29; DMI-PROHIBITED</x:xmpmeta>'
    )
    report = parse_xmp(bomb)
    assert report.problems >= 1
    assert all(s.confidence <= 0.5 for s in report.signals)
    assert table(report.signals)["tdm"] == R


def test_deep_xml_is_refused_without_recursion() -> None:
    deep = b"<a>" * 100_000 + b"DMI-ALLOWED" + b"</a>" * 100_000
    report = parse_xmp(deep)
    assert report.problems == 1 and any("deeper" in n or "XMP" in n for n in report.notes)


def test_truncated_and_lying_images_never_raise() -> None:
    for fmt in ("JPEG", "PNG", "TIFF", "WEBP", "GIF"):
        data = mf.image(fmt, mf.dmi_attribute("DMI-PROHIBITED"))
        for cut in (8, 20, len(data) // 2, len(data) - 3):
            walk_media(data[:cut])
            scan_bytes(data[:cut], name=f"t.{fmt.lower()}")
    lying_png = b"\x89PNG\r\n\x1a\n" + b"\xff\xff\xff\xf0iTXt" + b"x" * 50
    assert walk_media(lying_png).problems == 1
    tiff_loop = b"II*\x00\x08\x00\x00\x00\x01\x00\x69\x87\x04\x00\x01\x00\x00\x00\x08\x00\x00\x00"
    assert walk_media(tiff_loop).problems >= 1


@budget(150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["JPEG", "PNG", "TIFF", "WEBP", "GIF"]), st.data())
def test_mutated_images_never_crash(fmt: str, data: st.DataObject) -> None:
    raw = bytearray(_base(fmt))
    for _ in range(data.draw(st.integers(1, 8))):
        raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    walk_media(bytes(raw))


_CACHE: dict[str, bytes] = {}


def _base(fmt: str) -> bytes:
    if fmt not in _CACHE:
        _CACHE[fmt] = mf.image(
            fmt,
            mf.dmi_attribute("DMI-PROHIBITED"),
            exif=mf.exif_blob("c", "a") if fmt in ("JPEG", "WEBP") else None,
        )
    return _CACHE[fmt]


@budget(200, deadline=None)
@given(st.binary(max_size=3000))
def test_random_bytes_never_crash(data: bytes) -> None:
    for prefix in (
        b"",
        b"\xff\xd8\xff",
        b"\x89PNG\r\n\x1a\n",
        b"II*\x00",
        b"RIFF\x00\x00\x00\x00WEBP",
        b"GIF89a",
        b"%PDF-1.4\n",
    ):
        walk_media(prefix + data)
    parse_xmp(data)


@budget(200, deadline=None)
@given(st.text(max_size=500))
def test_random_xml_text_never_crashes(text: str) -> None:
    parse_xmp(mf.xmp_packet(f"<plus:DataMining>{text}</plus:DataMining>"))
    parse_xmp(text.encode("utf-8", "surrogatepass"))
