"""A look-alike set: realistic records whose fields come from tiny vocabularies.

    .venv/bin/python bench/dedup/lowdiversity.py out.csv [--records 100000]

The records are those of the RIS import benchmark (bench/import_ris.py, fixed seed): titles of
8-20 words drawn from about 90, two dozen family names, eight journals, volumes 1-40 and first
pages 1-900, every record with its own DOI. They are written as RIS, read back through our own
RIS importer (as an import would) and saved in the CSV contract. Every record is a different
work, so any merge is a false one; what the set tests is speed: title-prefix, long-word and
author-year blocks are huge, and the citation keys collide by chance.
"""

from __future__ import annotations

import argparse
import csv
import importlib.util
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIELDS = ["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages"]
FIELDS += ["doi", "abstract", "isbn", "gold_cluster_id"]


def _ris_generator():
    spec = importlib.util.spec_from_file_location("import_ris", HERE.parent / "import_ris.py")
    if spec is None or spec.loader is None:
        raise SystemExit("bench/import_ris.py is needed for the look-alike set")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.generate


def generate(path: Path, total: int) -> int:
    """Write `total` records to `path` in the CSV contract; returns the number of works (all)."""
    from retroduce.sources.importers import parse_file

    with tempfile.TemporaryDirectory() as tmp:
        ris = Path(tmp) / "lowdiversity.ris"
        _ris_generator()(ris, total)
        parsed = parse_file(ris.name, ris.read_bytes())
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for i, r in enumerate(parsed.records):
            writer.writerow(
                {
                    "ID": str(i),
                    "ENTRYTYPE": r.item_type,
                    "title": r.title,
                    "author": " and ".join(r.authors),
                    "year": r.year,
                    "journal": r.journal,
                    "volume": r.volume,
                    "number": r.number,
                    "pages": r.pages,
                    "doi": r.doi,
                    "abstract": r.abstract,
                    "isbn": r.isbn,
                    "gold_cluster_id": f"g{i}",
                }
            )
    return len(parsed.records)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", type=Path)
    parser.add_argument("--records", type=int, default=100_000)
    args = parser.parse_args()
    generate(args.out, args.records)
