"""Adversarial input, long cells, bytes, mixed scripts and throughput."""

from __future__ import annotations

import itertools
import random
import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jazari.privacy import Scanner, scan_bytes, scan_many, scan_text

MB = 1_000_000

ADVERSARIAL = {
    "digits": "7" * MB,
    "random digits": "".join(random.Random(0).choice("0123456789") for _ in range(MB)),
    "a@a@": "a@" * (MB // 2),
    "arabic with marks": "مُحَمَّـد " * (MB // 10),
    "arabic letters only": "بببببببببب" * (MB // 10),
    "digits and spaces": "1 " * (MB // 2),
    "digits and dots": "1." * (MB // 2),
    "letter digit": "A1" * (MB // 2),
    "hex and colons": "a:" * (MB // 2),
    "street words": "rue " * (MB // 4),
    "name cues": "Mme " * (MB // 4),
    "zero width in digits": "0\u200b6" * (MB // 3),
    "dms": "33°34'" * (MB // 6),
}


@pytest.mark.parametrize("name", list(ADVERSARIAL))
def test_adversarial_megabyte_scans_fast(name: str) -> None:
    text = ADVERSARIAL[name]
    start = time.perf_counter()
    findings = scan_text(text)
    assert time.perf_counter() - start < 2.0, name
    assert all(0 <= f.start < f.end <= len(text) for f in findings)


def test_long_cell_in_chunks_finds_everything_with_right_offsets() -> None:
    scanner = Scanner(chunk_size=4096)
    unit = "Tél 0661234567, CIN AB123456, mail a.b@example.ma. " + "x" * 37
    text = unit * 500  # ~50 000 chars, many chunk boundaries
    findings = scanner.scan(text)
    assert len(findings) == 1500
    assert {f.entity for f in findings} == {"PHONE", "CIN", "EMAIL"}
    for f in findings:
        assert text[f.start:f.end] == f.text
    assert findings == scanner.scan(text) and findings == sorted(findings, key=lambda f: f.start)
    assert all(a.end <= b.start for a, b in itertools.pairwise(findings))


def test_chunked_and_whole_scans_agree() -> None:
    rng = random.Random(7)
    parts = ["Mme Amal Berrada", "0661234567", "12 rue des Orangers, Rabat", "né le 12/03/1990", "AB123456",
             "السيد محمد العلوي", "plain words here", "Prix 1 234,56 DH", "\u200f", "diabétique"]
    text = " ".join(rng.choice(parts) for _ in range(3000))
    small, whole = Scanner(chunk_size=4096), Scanner(chunk_size=1 << 22)
    assert [(f.entity, f.start, f.end) for f in small.scan(text)] == [
        (f.entity, f.start, f.end) for f in whole.scan(text)
    ]


@pytest.mark.slow
def test_ten_megabyte_cell_bounded_memory_and_linear_time() -> None:
    plain = "Le conseil a examiné le budget de 2024, 12 500 DH par an. كان الجو جميلا. "
    unit = plain * 9 + "Tél 0661234567. "
    one = unit * (MB // len(unit))
    ten = unit * (10 * MB // len(unit))
    tracemalloc.start()
    try:
        start = time.perf_counter()
        scan_text(one)
        per_mb = time.perf_counter() - start
        tracemalloc.reset_peak()
        start = time.perf_counter()
        findings = scan_text(ten)
        elapsed = time.perf_counter() - start
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(findings) == ten.count("0661234567")
    assert elapsed < 10 * per_mb * 2.5 + 2  # linear, with slack for a busy machine
    assert peak - len(findings) * 400 < 20 * MB  # chunks are copied, not the whole cell


def test_invalid_utf8_bytes_never_crash() -> None:
    data = b"CIN AB123456 \xff\xfe\xc3( t\xe9l 0661234567 " + "محمد".encode()[:-1]
    findings = scan_bytes(data)
    text = data.decode("utf-8", errors="replace")
    assert {f.entity for f in findings} >= {"CIN", "PHONE"}
    for f in findings:
        assert text[f.start:f.end] == f.text
    assert scan_bytes(b"") == []
    assert scan_bytes("0661234567".encode("utf-16"), encoding="utf-16")[0].entity == "PHONE"


_ALPHABET = [*"aAzZ09 .-@:°|/,+()'é\n\t", *"بمحدـًّ٠٦\u200b\u200f\ufeff\u00a0ＡＢ１", "\U0001f600", "\u0301"]
_SNIPPETS = st.sampled_from(["0661234567", "AB123456", "Mme Benali", "السيد محمد", "m7mmd", "12 rue X",
                              "né le 12/03/1990", "33.5731, -7.5898", "a@b.ma", "MA64", "RIB"])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.text(alphabet=_ALPHABET, max_size=12), _SNIPPETS), max_size=25))
def test_findings_are_always_consistent(parts: list[str]) -> None:
    text = "".join(parts)
    findings = scan_text(text)
    previous_end = 0
    for f in findings:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.text
        assert f.start >= previous_end
        assert 0.5 <= f.score <= 1.0
        previous_end = f.end


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_any_unicode_text_scans(text: str) -> None:
    for f in scan_text(text):
        assert text[f.start:f.end] == f.text


def test_throughput_sanity() -> None:
    rng = random.Random(3)
    templates = [
        "Bonjour, je m'appelle {n}, mon numéro est 06 61 23 45 67 et ma CIN AB123456. Merci de me rappeler.",
        "Commande n° {k} expédiée le 12/03/2024, livraison sous 48h à 20250 Casablanca. Total 1 234,56 DH.",
        "السيد محمد العلوي يسكن في شارع محمد الخامس رقم {k}، الرباط. المرجو الاتصال به في أقرب وقت ممكن.",
        "salam, smiti m7mmd, ana mn casa w nmra dyali 0661234567, 3ayet liya ila bghiti chi haja {k}.",
        "The quarterly report shows revenue growth of {k} percent, with costs stable across all regions.",
    ]
    people = ["Fatima Zahra", "Youssef Tazi"]
    texts = [rng.choice(templates).format(n=rng.choice(people), k=rng.randrange(10**7)) for _ in range(4000)]
    start = time.process_time()
    results = scan_many(texts)
    rate = len(texts) / (time.process_time() - start)
    assert len(results) == len(texts)
    assert rate > 3000, f"{rate:.0f} texts/s"  # the benchmark target is 10 000/s; CI machines vary
