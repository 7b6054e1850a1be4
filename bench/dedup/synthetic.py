"""A synthetic labelled set for the scaling run: unique records plus perturbed duplicates.

Deterministic for a seed. Duplicates carry the perturbations real exports show (typos, case,
punctuation, markup, author initials and name order, missing or prefixed DOIs, "123-9" vs
"123-129", journal abbreviations, online-first years, missing volume or issue). Hard negatives
that must never merge are mixed in: "Part 1"/"Part 2" series, errata, and same-title updates in
another year with another DOI.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

COMMON = (
    "effect effects of the in and on for with a an among patients study trial randomized "
    "controlled analysis outcomes risk factors treatment therapy clinical care health children "
    "adults older women men cohort review systematic meta association between versus after "
    "during long term short early late acute chronic disease disorder management model network "
    "digital work platform labour economy data evidence policy practice quality safety cost "
    "evaluation intervention program community primary hospital mortality survival"
).split()
SYLLABLES = (
    "ka lo mi ne ru sa te vi zo pa ber gen tor lin mar sol dev rat quin fel hap jor "
    "wex yul cor dan eli fra gus hol ix kem lud mox nix ost pry rho sku tal umb vor"
).split()
GIVEN = (
    "Anna Ben Carla David Eva Felix Grace Hugo Ines Jonas Kira Lars Maya Nils Olga Paul Rosa "
    "Sven Tara Uwe Vera Will Xena Yuri Zoe"
).split()
JOURNALS = [
    ("Journal of Clinical Oncology", "J Clin Oncol"),
    ("American Journal of Respiratory and Critical Care Medicine", "Am J Respir Crit Care Med"),
    ("New England Journal of Medicine", "N Engl J Med"),
    ("British Medical Journal", "BMJ"),
    ("Journal of the American Medical Association", "JAMA"),
    ("Pediatric Nephrology", "Pediatr Nephrol"),
    ("Information Systems Journal", "Inf Syst J"),
    ("Journal of Information Technology", "J Inf Technol"),
    ("European Journal of Information Systems", "Eur J Inf Syst"),
    ("Clinical Infectious Diseases", "Clin Infect Dis"),
    ("Annals of Internal Medicine", "Ann Intern Med"),
    ("Journal of Pediatric Surgery", "J Pediatr Surg"),
    ("American Journal of Hematology", "Am J Hematol"),
    ("British Journal of Haematology", "Br J Haematol"),
    ("Diabetes Care", "Diabetes Care"),
    ("Diabetic Medicine", "Diabet Med"),
    ("Journal of Thoracic and Cardiovascular Surgery", "J Thorac Cardiovasc Surg"),
    ("Respiratory Medicine", "Respir Med"),
    ("Current Opinion in Lipidology", "Curr Opin Lipidol"),
    ("Nature Reviews Nephrology", "Nat Rev Nephrol"),
    ("Work, Employment and Society", "Work Employ Soc"),
    ("Industrial Relations Journal", "Ind Relat J"),
    ("Journal of Management Studies", "J Manag Stud"),
    ("Computers in Human Behavior", "Comput Hum Behav"),
    ("Social Science and Medicine", "Soc Sci Med"),
    ("Health Policy", "Health Policy"),
    ("Implementation Science", "Implement Sci"),
    ("Journal of Advanced Nursing", "J Adv Nurs"),
    ("International Journal of Nursing Studies", "Int J Nurs Stud"),
    ("Quality and Safety in Health Care", "Qual Saf Health Care"),
]
FIELDS = ["ID", "ENTRYTYPE", "title", "author", "year", "journal", "volume", "number", "pages"]
FIELDS += ["doi", "gold_cluster_id"]


class Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.words = [self._word() for _ in range(6000)]
        self.families = [self._word().capitalize() for _ in range(20000)]

    def _word(self) -> str:
        return "".join(self.rng.choice(SYLLABLES) for _ in range(self.rng.randint(2, 4)))

    def entity(self, n: int) -> dict[str, str]:
        rng = self.rng
        words = [
            rng.choice(COMMON) if rng.random() < 0.45 else rng.choice(self.words)
            for _ in range(rng.randint(6, 14))
        ]
        title = " ".join(words).capitalize()
        if rng.random() < 0.3:
            title += ": " + " ".join(rng.choice(self.words) for _ in range(rng.randint(2, 5)))
        authors = [(rng.choice(self.families), rng.choice(GIVEN)) for _ in range(rng.randint(1, 8))]
        journal = rng.randrange(len(JOURNALS))
        start = rng.randint(1, 2500)
        year = rng.randint(1985, 2024)
        return {
            "title": title,
            "authors": authors,  # type: ignore[dict-item]
            "year": str(year),
            "journal": str(journal),
            "volume": str(rng.randint(1, 150)),
            "number": str(rng.randint(1, 12)),
            "first": str(start),
            "last": str(start + rng.randint(2, 25)),
            "doi": f"10.{rng.randint(1000, 9999)}/x{n:07d}" if rng.random() < 0.7 else "",
        }

    def render(self, e: dict, perturb: bool) -> dict[str, str]:
        rng = self.rng
        title, authors = e["title"], e["authors"]
        full, abbreviation = JOURNALS[int(e["journal"])]
        journal = full
        pages = f"{e['first']}-{e['last']}"
        doi, year, volume, number = e["doi"], e["year"], e["volume"], e["number"]
        style = "full"
        if perturb:
            title = self._perturb_title(title)
            style = rng.choice(["full", "initials", "initials_nocomma", "given_first"])
            if rng.random() < 0.5:
                journal = abbreviation
            if rng.random() < 0.4:
                first, last = e["first"], e["last"]
                common = 0
                while (
                    common < len(first) - 1
                    and len(first) == len(last)
                    and first[common] == last[common]
                ):
                    common += 1
                pages = f"{first}-{last[common:]}"
            elif rng.random() < 0.3:
                pages = f"{e['first']}--{e['last']}"
            if doi and rng.random() < 0.4:
                doi = ""
            elif doi and rng.random() < 0.3:
                doi = "https://doi.org/" + doi.upper()
            if rng.random() < 0.05:
                year = str(int(year) + 1)  # online first vs print
            if rng.random() < 0.1:
                volume = ""
            if rng.random() < 0.15:
                number = ""
        return {
            "title": title,
            "author": self._authors(authors, style),
            "year": year,
            "journal": journal,
            "volume": volume,
            "number": number,
            "pages": pages,
            "doi": doi,
        }

    def _perturb_title(self, title: str) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.15:
            title = title.upper()
        elif roll < 0.3:
            title = title.lower()
        elif roll < 0.4:
            title = title.title()
        if rng.random() < 0.3:
            title = title.replace(": ", " - ") if ": " in title else title + "."
        if rng.random() < 0.3:
            chars = list(title)
            i = rng.randrange(1, max(2, len(chars) - 1))
            op = rng.choice(["swap", "drop", "double"])
            if op == "swap" and i + 1 < len(chars):
                chars[i], chars[i + 1] = chars[i + 1], chars[i]
            elif op == "drop":
                del chars[i]
            else:
                chars.insert(i, chars[i])
            title = "".join(chars)
        if rng.random() < 0.03:
            words = title.split()
            k = rng.randrange(len(words))
            words[k] = f"<i>{words[k]}</i>"
            title = " ".join(words)
        return title

    @staticmethod
    def _authors(authors: list[tuple[str, str]], style: str) -> str:
        if style == "initials":
            names = [f"{f}, {g[0]}." for f, g in authors]
        elif style == "initials_nocomma":
            names = [f"{f} {g[0]}" for f, g in authors]
        elif style == "given_first":
            names = [f"{g} {f}" for f, g in authors]
        else:
            names = [f"{f}, {g}" for f, g in authors]
        return " and ".join(names)


def generate(path: Path, total: int, seed: int = 7) -> int:
    """Write `total` records to `path`; returns the number of unique works."""
    gen = Generator(seed)
    rng = gen.rng
    rows: list[dict[str, str]] = []
    n_entities = 0
    while len(rows) < total:
        n_entities += 1
        e = gen.entity(n_entities)
        gold = f"g{n_entities}"
        rows.append({**gen.render(e, perturb=False), "gold_cluster_id": gold})
        roll = rng.random()
        if roll < 0.18:  # duplicates of this work
            for _ in range(rng.choice([1, 1, 1, 2, 3])):
                rows.append({**gen.render(e, perturb=True), "gold_cluster_id": gold})
        elif roll < 0.21:  # hard negatives: other works that look like this one
            n_entities += 1
            twin = dict(e)
            kind = rng.choice(["part", "erratum", "update"])
            if kind == "part":
                e_title = e["title"]
                twin["title"] = e_title + ": Part 2"
                start = int(e["last"]) + 1
                twin["first"], twin["last"] = str(start), str(start + 9)
            elif kind == "erratum":
                twin["title"] = "Erratum: " + e["title"]
                twin["first"] = twin["last"] = str(int(e["last"]) + 40)
            else:
                twin["year"] = str(int(e["year"]) + rng.randint(2, 5))
                twin["volume"] = str(int(e["volume"]) + 3)
            twin["doi"] = f"10.{rng.randint(1000, 9999)}/y{n_entities:07d}" if e["doi"] else ""
            rows.append({**gen.render(twin, perturb=False), "gold_cluster_id": f"g{n_entities}"})
    rows = rows[:total]
    rng.shuffle(rows)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        for i, row in enumerate(rows):
            writer.writerow({"ID": f"r{i:07d}", "ENTRYTYPE": "article", **row})
    return len({r["gold_cluster_id"] for r in rows})
