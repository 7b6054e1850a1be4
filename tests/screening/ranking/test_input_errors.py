"""Input that cannot be simulated on is refused with the file and the line named."""

from __future__ import annotations

import gzip

import pytest

from retroduce.screening.ranking.datasets import DatasetError, read_labelled


def _fails(path, *parts):
    with pytest.raises(DatasetError) as caught:
        read_labelled(path)
    for part in parts:
        assert part in str(caught.value)
    return caught.value


def test_csv_without_the_label_column(tmp_path):
    path = tmp_path / "nolabel.csv"
    path.write_text("title,abstract\nA,B\n")
    _fails(path, "nolabel.csv, line 1", "label_included")


def test_csv_without_title_or_abstract(tmp_path):
    path = tmp_path / "notext.csv"
    path.write_text("id,label_included\n1,1\n")
    _fails(path, "notext.csv, line 1", "title")


def test_csv_with_a_bad_label_names_its_line(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text('title,abstract,label_included\nA,B,1\nC,"two\nlines",0\nE,F,maybe\n')
    _fails(path, "bad.csv, line 5", "maybe")


def test_no_includes_or_no_excludes(tmp_path):
    path = tmp_path / "none.csv"
    path.write_text("title,abstract,label_included\nA,B,0\nC,D,excluded\n")
    _fails(path, "none.csv", "no record is labelled included")
    path.write_text("title,abstract,label_included\nA,B,1\nC,D,included\n")
    _fails(path, "none.csv", "no record is labelled excluded")


def test_broken_gzip(tmp_path):
    path = tmp_path / "set.jsonl.gz"
    path.write_bytes(b"\x1f\x8b\x08\x00 not really gzip")
    _fails(path, "set.jsonl.gz", "gzip")


def test_broken_json_names_its_line(tmp_path):
    path = tmp_path / "set.jsonl.gz"
    good = b'{"title": "A", "label_included": 1, "abstract_inverted_index": {"x": [0]}}\n'
    path.write_bytes(gzip.compress(good + b"\n" + b'{"title": "B", "label_included": 0\n'))
    _fails(path, "set.jsonl.gz, line 3", "JSON")


def test_jsonl_without_a_label(tmp_path):
    path = tmp_path / "set.jsonl"
    path.write_text('{"title": "A"}\n')
    _fails(path, "set.jsonl, line 1", "label_included")


def test_ris_record_without_a_label_names_its_line(tmp_path):
    path = tmp_path / "set.ris"
    path.write_text("TY  - JOUR\nTI  - One\nLB  - 1\nER  - \n\nTY  - JOUR\nTI  - Two\nER  - \n")
    _fails(path, "set.ris, line 6", "label")


def test_ris_labels_from_lb_and_asreview_notes(tmp_path):
    path = tmp_path / "set.ris"
    path.write_text(
        "TY  - JOUR\nTI  - One\nAB  - First abstract\nLB  - Included\nER  - \n\n"
        "TY  - JOUR\nTI  - Two\nN1  - ASReview_irrelevant\nER  - \n\n"
        "TY  - JOUR\nTI  - Three\nLB  - excluded\nER  - \n"
    )
    data = read_labelled(path)
    assert data.labels == [1, 0, 0]
    assert data.texts[0] == "One\nFirst abstract"


def test_unknown_format(tmp_path):
    path = tmp_path / "set.docx"
    path.write_bytes(b"PK")
    _fails(path, "set.docx", "unknown format")
