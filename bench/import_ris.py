"""Benchmark: our RIS import (parse_file) against rispy 0.10.0 on 100,000 synthetic records.

    .venv/bin/python bench/import_ris.py [--records N] [--runs 3]

The RIS file is generated here (fixed seed, mixed vendor dialects: Ovid, EBSCO, Scopus, Web of
Science, Embase, Zotero, EndNote) into a temporary folder. Each tool runs in its own fresh
process so peak memory is not shared: ours with this project's interpreter, rispy in
bench/.venv-rispy (created on first use with `pip install rispy==0.10.0`). Each process parses
the file once per round; rounds alternate between the two tools so that both see the same load
on a shared machine, and the best of `--runs` rounds is kept. Each process also reports its
peak resident memory and, in the first round, the peak of Python allocations during one parse
(tracemalloc, in a separate untimed pass). The figures are printed as a Markdown table for
bench/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import textwrap
import venv
from pathlib import Path

HERE = Path(__file__).resolve().parent
RISPY_VENV = HERE / ".venv-rispy"
RISPY_VERSION = "0.10.0"
SEED = 20240501

_WORDS = (
    "leadership integrated care realist review mechanism context outcome programme theory "
    "primary health services community nursing hospital integration partnership trust "
    "professional collaboration governance accountability patient experience quality safety "
    "implementation evaluation qualitative interview survey stakeholder manager clinician "
    "organisational culture change network policy funding workforce training capacity older "
    "people chronic disease multimorbidity social support coordination transition outcomes "
    "effectiveness evidence synthesis method protocol framework learning improvement"
).split()
_FAMILY = (
    "Smith Jones Brown Müller García Rossi Nguyen Kowalski Andersson O'Brien Dubois Tanaka "
    "Okafor Silva Papadopoulos Novák Hansen Martín Lefèvre Ström Wong Patel Ahmed Kim"
).split()
_GIVEN = "Anna John Maria Peter Li Sofia Ahmed Emma Lukas Chiara Ana Olga Jean Åsa Zoë".split()
_JOURNALS = (
    "BMC Health Services Research",
    "Journal of Integrated Care",
    "International Journal of Integrated Care",
    "Health Policy",
    "Social Science & Medicine",
    "Journal of Advanced Nursing",
    "BMJ Open",
    "Implementation Science",
)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(_WORDS, k=rng.randint(low, high))
    return " ".join(words).capitalize()


def _record(rng: random.Random, n: int) -> str:
    """One RIS record in the style of a randomly chosen vendor."""
    dialect = rng.choice(("ovid", "ebsco", "scopus", "wos", "embase", "zotero", "endnote"))
    year = rng.randint(1990, 2024)
    doi = f"10.{rng.randint(1000, 9999)}/{rng.choice(_WORDS)}.{year}.{n}"
    authors = [f"{rng.choice(_FAMILY)}, {rng.choice(_GIVEN)}" for _ in range(rng.randint(1, 12))]
    title = _sentence(rng, 8, 20)
    abstract = ". ".join(_sentence(rng, 10, 25) for _ in range(rng.randint(6, 12))) + "."
    keywords = rng.sample(_WORDS, rng.randint(3, 10))
    journal = rng.choice(_JOURNALS)
    start = rng.randint(1, 900)
    lines = ["TY  - JOUR"]
    add = lines.append
    if dialect in ("ovid", "embase"):
        add(f"DB  - {'Ovid MEDLINE(R)' if dialect == 'ovid' else 'Embase'}")
        add(f"AN  - {30000000 + n}")
        add(f"T1  - {title}")
        lines += [f"A1  - {a}" for a in authors]
        add(f"Y1  - {year}//")
        add(f"N2  - {abstract}")
        lines += [f"KW  - {k}" for k in keywords]
        add(f"JF  - {journal}")
        add(f"JA  - {journal[:12]}")
        add(f"DO  - https://dx.doi.org/{doi}")
        add(f"L2  - https://ovidsp.ovid.com/?T=JS&AN={n}")
    elif dialect == "ebsco":
        lines += [f"AU  - {a}" for a in authors]
        add(f"T1  - {title}")
        add(f"JO  - {journal}")
        add(f"JF  - {journal}")
        add(f"Y1  - {year}///")
        add(f"N1  - Accession Number: {100000000 + n}. Language: English.")
        add(f"AB  - {abstract}")
        lines += [f"KW  - {k}" for k in keywords]
        add(f"DO  - {doi}")
        add("DP  - EBSCOhost")
        add("DB  - cin20")
    else:
        lines += [f"AU  - {a}" for a in authors]
        add(f"TI  - {title}")
        add(f"T2  - {journal}")
        add(f"PY  - {year}")
        if dialect == "zotero":
            add(f"DA  - {year}/0{rng.randint(1, 9)}/1{rng.randint(0, 9)}/")
        add(f"AB  - {abstract}")
        lines += [f"KW  - {k}" for k in keywords]
        add(f"DO  - {doi}")
        if dialect == "scopus":
            add(f"UR  - https://www.scopus.com/inward/record.uri?eid=2-s2.0-{n}")
            add("N1  - Cited By: 3")
            add("DB  - Scopus")
        if dialect == "wos":
            add(f"AN  - WOS:{n:015d}")
    add(f"VL  - {rng.randint(1, 40)}")
    add(f"IS  - {rng.randint(1, 12)}")
    add(f"SP  - {start}")
    add(f"EP  - {start + rng.randint(5, 20)}")
    add(f"SN  - {rng.randint(1000, 9999)}-{rng.randint(100, 999)}X")
    add("LA  - English")
    add("ER  - ")
    return "\n".join(lines) + "\n\n"


def generate(path: Path, count: int) -> None:
    rng = random.Random(SEED)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for n in range(count):
            out.write(_record(rng, n))


# The code each measuring process runs; {setup} parses `path` once and returns a record count.
_RUNNER = textwrap.dedent(
    """
    import json, resource, sys, time, tracemalloc
    path, trace = sys.argv[1], sys.argv[2] == "trace"
    {setup}
    started = time.perf_counter()
    count = parse(path)
    seconds = time.perf_counter() - started
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux
    traced = 0
    if trace:
        tracemalloc.start()
        parse(path)
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    print(json.dumps({{"records": count, "seconds": seconds, "rss": rss, "traced": traced}}))
    """
)
_OURS = """
from retroduce.sources.importers import parse_file
def parse(path):
    with open(path, "rb") as f:
        return len(parse_file("bench.ris", f.read()).records)
"""
_RISPY = """
import rispy
def parse(path):
    with open(path, encoding="utf-8") as f:
        return len(rispy.load(f))
"""


def _rispy_python() -> Path:
    python = RISPY_VENV / "bin" / "python"
    check = [
        str(python),
        "-c",
        f"import importlib.metadata as m; assert m.version('rispy') == '{RISPY_VERSION}'",
    ]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return python
    print(f"creating {RISPY_VENV} with rispy=={RISPY_VERSION} …", file=sys.stderr)
    venv.create(RISPY_VENV, with_pip=True, clear=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", f"rispy=={RISPY_VERSION}"], check=True
    )
    return python


def _measure(python: Path, setup: str, path: Path, trace: bool) -> dict[str, float]:
    code = _RUNNER.format(setup=setup)
    env = {**os.environ, "PYTHONPATH": str(HERE.parent / "src")}
    done = subprocess.run(
        [str(python), "-c", code, str(path), "trace" if trace else "time"],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def _mib(n: float) -> str:
    return f"{n / 2**20:,.0f} MiB"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    rispy_python = _rispy_python()
    with tempfile.TemporaryDirectory(prefix="retroduce-bench-") as folder:
        path = Path(folder) / "bench.ris"
        generate(path, args.records)
        size = path.stat().st_size
        tools = {"ours": (Path(sys.executable), _OURS), "rispy": (rispy_python, _RISPY)}
        best: dict[str, dict[str, float]] = {}
        for round_number in range(args.runs):
            for name, (python, setup) in tools.items():
                m = _measure(python, setup, path, trace=round_number == 0)
                if name not in best:
                    best[name] = m
                else:
                    best[name]["seconds"] = min(best[name]["seconds"], m["seconds"])
                    best[name]["rss"] = max(best[name]["rss"], m["rss"])
        ours, theirs = best["ours"], best["rispy"]
    rows = [("Retroduce `parse_file`", ours), (f"rispy {RISPY_VERSION} `rispy.load`", theirs)]
    print(
        f"{args.records:,} records, {_mib(size)} of RIS, best of {args.runs}; "
        f"Python {platform.python_version()}, {os.cpu_count()} cores"
    )
    print()
    print("| parser | records | best time | records/s | peak RSS | peak Python allocations |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, m in rows:
        print(
            f"| {name} | {m['records']:,} | {m['seconds']:.2f} s | "
            f"{m['records'] / m['seconds']:,.0f} | {_mib(m['rss'])} | {_mib(m['traced'])} |"
        )


if __name__ == "__main__":
    main()
