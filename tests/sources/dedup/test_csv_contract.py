"""The CSV contract: every row out, unknown columns ignored, bad input named by file and line."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from retroduce.sources.dedup import ImportFailure, dedup_csv, read_records

ROW = '{id},Chest drains in pleural infection,"Smith, John",2005,Chest,128,100-110,{doi},{gold}\n'
HEADER = "ID,title,author,year,journal,volume,pages,doi,gold_cluster_id\n"


def write(tmp_path: Path, content: str | bytes, name: str = "refs.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def read_out(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_every_row_is_written_and_singletons_get_their_own_cluster(tmp_path):
    src = write(
        tmp_path,
        HEADER
        + ROW.format(id="a", doi="", gold="1")
        + ROW.format(id="b", doi="", gold="1")
        + 'c,Hospital parking for night staff,"Roe, R.",2011,BMJ,3,5-9,,2\n'
        + 'd,Sleep of junior doctors on call,"Poe, P.",2012,BMJ,4,7-9,,3\n',
    )
    out = tmp_path / "clusters.csv"
    summary = dedup_csv(src, out)
    rows = read_out(out)
    assert list(rows[0]) == ["ID", "cluster_id"]
    ids = {r["ID"]: r["cluster_id"] for r in rows}
    assert list(ids) == ["a", "b", "c", "d"]
    assert ids["a"] == ids["b"] and len({ids["a"], ids["c"], ids["d"]}) == 3
    assert (summary.records, summary.clusters, summary.duplicates_removed) == (4, 3, 1)


def test_unknown_columns_and_gold_labels_are_ignored(tmp_path):
    # The gold column claims c and d are duplicates; the algorithm must not read it.
    src = write(
        tmp_path,
        "ID,title,author,year,notes,gold_cluster_id,label\n"
        'c,Hospital parking for night staff,"Roe, R.",2011,x,same,duplicate\n'
        'd,Sleep of junior doctors on call,"Poe, P.",2012,y,same,duplicate\n',
    )
    out = tmp_path / "clusters.csv"
    dedup_csv(src, out)
    rows = read_out(out)
    assert rows[0]["cluster_id"] != rows[1]["cluster_id"]


def test_synonym_columns_are_understood(tmp_path):
    src = write(
        tmp_path,
        "id,Title,AUTHOR,year,booktitle,issue,ENTRYTYPE\n"
        'p1,A study of crowd work platforms,"Lee, A.",2017,Proc. ICIS,3,inproceedings\n',
    )
    [record] = read_records(src)
    assert record.journal == "Proc. ICIS" and record.number == "3"
    assert record.entry_type == "inproceedings"


def test_semicolon_separated_files_are_read(tmp_path):
    src = write(tmp_path, "ID;title;year\nx1;A title;2020\n")
    [record] = read_records(src)
    assert (record.id, record.title, record.year) == ("x1", "A title", "2020")


def test_windows_1252_files_are_read(tmp_path):
    src = write(tmp_path, "ID,title\nx1,Caf\xe9 culture\n".encode("cp1252"))
    [record] = read_records(src)
    assert record.title == "Café culture"


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_any_line_ending_and_a_byte_order_mark_are_read(tmp_path, newline):
    text = '\ufeffID,title\nx1,Caf\xe9\ny2,"Two\nlines"\n'.replace("\n", newline)
    src = write(tmp_path, text.encode("utf-8"))
    assert [(r.id, r.title) for r in read_records(src)] == [
        ("x1", "Café"),
        ("y2", f"Two{newline}lines"),
    ]


@pytest.mark.parametrize(
    "content,line,reason",
    [
        ("title,author\nA,B\n", 1, "no ID column"),
        (HEADER + ROW.format(id="a", doi="", gold="") * 2, 3, "duplicate ID 'a' (first on line 2)"),
        ("", None, "the file is empty"),
        (b"ID,title\nx\x00\x01\x02", 2, "binary content"),
        ("ID,title\n,Untitled\n", 2, "the ID is empty"),
        ("ID,title\nx,a,b,c\n", 2, "4 fields, but the header has 2"),
        ('ID,title\nx,ok\ny,"' + "z" * 200_000 + '"\n', 3, "longer than"),
        ('ID,title\nx,"unterminated\n', 2, "malformed CSV"),
    ],
)
def test_malformed_input_names_the_file_and_line(tmp_path, content, line, reason):
    src = write(tmp_path, content)
    with pytest.raises(ImportFailure) as caught:
        read_records(src)
    message = str(caught.value)
    assert message.startswith(f"{src}, line {line}:" if line else f"{src}:")
    assert reason in message


def test_the_output_never_overwrites_the_input(tmp_path):
    src = write(tmp_path, HEADER + ROW.format(id="a", doi="", gold=""))
    with pytest.raises(ImportFailure, match="overwrite the input"):
        dedup_csv(src, src)
