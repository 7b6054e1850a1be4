"""Small RIS exports written by hand for the project-level import tests."""

from __future__ import annotations


def ris_record(
    title: str,
    authors: list[str],
    year: str,
    journal: str,
    doi: str = "",
    volume: str = "",
    pages: str = "",
    ty: str = "JOUR",
) -> str:
    lines = [f"TY  - {ty}"]
    lines += [f"AU  - {a}" for a in authors]
    lines += [f"TI  - {title}", f"PY  - {year}", f"JO  - {journal}"]
    if volume:
        lines.append(f"VL  - {volume}")
    if pages:
        start, _, end = pages.partition("-")
        lines.append(f"SP  - {start}")
        if end:
            lines.append(f"EP  - {end}")
    if doi:
        lines.append(f"DO  - {doi}")
    lines.append("ER  - ")
    return "\n".join(lines) + "\n"


LEADERSHIP = ris_record(
    "Leadership of integrated health and social care teams: a realist review",
    ["Harris, Ruth", "Fletcher, Simon"],
    "2022",
    "Health Services and Delivery Research",
    doi="10.3310/WPNG1013",
    volume="10",
    pages="1-150",
)
POWER = ris_record(
    "Power and hierarchy in integrated care teams",
    ["Smith, Anna", "Jones, Ben"],
    "2019",
    "Journal of Integrated Care",
    doi="10.1108/JICA-01-2019-0001",
    volume="27",
    pages="15-29",
)
RESILIENCE = ris_record(
    "Resilience of community health teams during reorganisation",
    ["Brown, Cara"],
    "2020",
    "BMC Health Services Research",
    volume="20",
    pages="101-110",
)

# The same paper as LEADERSHIP, as another database exports it: other case, no DOI prefix quirks.
LEADERSHIP_AGAIN = ris_record(
    "Leadership of Integrated Health and Social Care Teams: A Realist Review",
    ["Harris, R.", "Fletcher, S."],
    "2022",
    "Health Serv Deliv Res",
    doi="https://doi.org/10.3310/wpng1013",
    volume="10",
    pages="1-150",
)


def ris_file(*records: str) -> bytes:
    return "".join(records).encode("utf-8")
