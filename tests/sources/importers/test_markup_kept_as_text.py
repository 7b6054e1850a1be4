"""Markup in a title is data: it is kept exactly as written (escaping happens at display)."""

from __future__ import annotations

import json

import pytest

from retroduce.sources.importers import parse_file

SCRIPT = "<script>alert(1)</script> & <b>bold</b> \"quoted\" 'single'"
XML_SCRIPT = (
    SCRIPT.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
)

CASES = {
    "a.ris": f"TY  - JOUR\nTI  - {SCRIPT}\nER  - \n",
    "a.nbib": f"PMID- 1\nTI  - {SCRIPT}\n",
    "a.bib": f"@article{{k, title = {{{SCRIPT}}}}}\n",
    "a.csv": 'Title,Year\n"' + SCRIPT.replace('"', '""') + '",2020\n',
    "a.json": json.dumps([{"title": SCRIPT}]),
    "e.xml": f"<xml><records><record><titles><title>{XML_SCRIPT}</title></titles></record>"
    "</records></xml>",
    "p.xml": "<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
    f"<ArticleTitle>{XML_SCRIPT}</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
    "</PubmedArticleSet>",
}


@pytest.mark.parametrize(("name", "text"), CASES.items())
def test_script_in_a_title_round_trips_unchanged(name: str, text: str) -> None:
    record = parse_file(name, text.encode("utf-8")).records[0]
    assert record.title == SCRIPT
