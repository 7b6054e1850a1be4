"""Benchmark: full-text extraction of a long PDF (retroduce.documents.extraction.extract).

    .venv/bin/python bench/extract_pdf.py [--pages 300] [--runs 3]

The PDF is generated with fpdf2 into a temporary folder by the same builder the tests use
(tests/documents/pdfs.py: deterministic English-like prose about programme contexts and
mechanisms, about 3,000 characters on each A4 page in 10 pt Helvetica). A fresh process then
extracts it `--runs` times and keeps the best time, so peak memory is the extraction's own:
peak RSS is ru_maxrss of that process (it includes PDFium's C allocations), and the peak of
Python allocations is tracemalloc's during one more, untimed extraction.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PARAGRAPHS_PER_PAGE = 9


def _worker(path: Path, runs: int) -> dict[str, float]:
    from retroduce.documents.extraction import extract

    data = path.read_bytes()
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        result = extract(data, path.name)
        best = min(best, time.perf_counter() - started)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    tracemalloc.start()
    extract(data, path.name)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "pages": len(result.pages),
        "chars": len(result.text),
        "bytes": len(data),
        "seconds": best,
        "rss_mib": rss / 1024,
        "traced_mib": traced / 2**20,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(_worker(args.worker, args.runs)))
        return

    sys.path.insert(0, str(ROOT))
    from tests.documents.pdfs import make_long_pdf

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "synthetic.pdf"
        started = time.perf_counter()
        path.write_bytes(make_long_pdf(args.pages, paragraphs_per_page=PARAGRAPHS_PER_PAGE))
        built = time.perf_counter() - started
        output = subprocess.run(
            [sys.executable, __file__, "--worker", str(path), "--runs", str(args.runs)],
            check=True,
            capture_output=True,
            text=True,
            cwd=ROOT,
        ).stdout
    figures = json.loads(output)
    import pypdfium2

    print(
        f"Built a {figures['pages']}-page PDF ({figures['bytes'] / 2**20:.1f} MiB, "
        f"{figures['chars']:,} characters of text) with fpdf2 in {built:.1f} s."
    )
    print(
        f"Python {platform.python_version()}, pypdfium2 {pypdfium2.PYPDFIUM_INFO}, "
        f"PDFium {pypdfium2.PDFIUM_INFO}; best of {args.runs} runs.\n"
    )
    print("| extractor | pages | best time | pages/s | chars/s | peak RSS | peak Python allocs |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(
        f"| Retroduce `extract` (pypdfium2) | {figures['pages']} | {figures['seconds']:.2f} s "
        f"| {figures['pages'] / figures['seconds']:,.0f} "
        f"| {figures['chars'] / figures['seconds'] / 1e6:.1f} M "
        f"| {figures['rss_mib']:.0f} MiB | {figures['traced_mib']:.1f} MiB |"
    )


if __name__ == "__main__":
    main()
