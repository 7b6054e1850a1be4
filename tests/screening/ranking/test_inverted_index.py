"""OpenAlex abstract_inverted_index is rebuilt to plaintext in memory, in position order."""

from __future__ import annotations

import gzip
import json

from retroduce.screening.ranking.datasets import read_labelled, rebuild_abstract


def test_rebuild_sorts_positions_and_joins_with_spaces():
    inverted = {"the": [0, 4], "cat": [1], "sat": [2], "on": [3], "mat.": [5]}
    assert rebuild_abstract(inverted) == "the cat sat on the mat."


def test_rebuild_of_nothing_is_empty():
    assert rebuild_abstract(None) == "" and rebuild_abstract({}) == ""


def test_jsonl_gz_gives_title_and_rebuilt_abstract_and_writes_nothing(tmp_path):
    works = [
        {"title": "Trial", "label_included": 1, "abstract_inverted_index": {"b": [1], "a": [0]}},
        {"title": None, "label_included": 0, "abstract_inverted_index": None},
    ]
    path = tmp_path / "set.jsonl.gz"
    path.write_bytes(gzip.compress("\n".join(json.dumps(w) for w in works).encode()))
    before = sorted(tmp_path.iterdir())
    data = read_labelled(path)
    assert data.texts == ["Trial\na b", "\n"]
    assert data.labels == [1, 0]
    assert sorted(tmp_path.iterdir()) == before
