"""Offsets are code points into the stored text, and fragments follow their quotes when it changes."""

from __future__ import annotations

import pytest

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.models import Fragment
from retroduce.coding.services import code_passage
from retroduce.documents.services import run_extraction, stored_path

pytestmark = pytest.mark.django_db

# An emoji (two UTF-16 units, one code point), a combining accent (e + U+0301), CRLF endings.
UNICODE = "Team 🙂 leads.\r\nThe cafe\u0301 meeting built trust between nurses.\r\nEnd.\r\n"


def _context(team):
    codebook.ensure_codebook(team.project)
    return live_codes(team.project).get(name="Context")


def test_offsets_survive_emoji_combining_accents_crlf_and_a_bom(team, ready_document):
    data = b"\xef\xbb\xbf" + UNICODE.encode("utf-8")
    document = ready_document("notes.txt", data)
    assert not document.text.startswith("\ufeff") and "\r" not in document.text
    wanted = "cafe\u0301 meeting built trust"
    start = document.text.index(wanted)
    fragment = code_passage(
        document, team.users["owner"], start, start + len(wanted), [_context(team).pk]
    )
    assert fragment.quote == wanted
    # The emoji counts as one position, as the browser's Array.from counts it.
    assert document.text.index("leads") == len("Team 🙂 ")


def test_utf16_text_files_code_the_same_as_utf8(team, ready_document):
    document = ready_document("notes-utf16.txt", UNICODE.encode("utf-16"))
    start = document.text.index("trust")
    fragment = code_passage(document, team.users["owner"], start, start + 5, [_context(team).pk])
    assert fragment.quote == "trust"


def test_re_extraction_re_anchors_fragments_from_their_quotes(team, ready_document):
    original = "Intro.\n\nLeaders who listen build trust across teams.\n\nBudgets were pooled.\n"
    document = ready_document("paper.txt", original.encode())
    wanted = "Leaders who listen build trust"
    start = original.index(wanted)
    fragment = code_passage(
        document, team.users["owner"], start, start + len(wanted), [_context(team).pk]
    )
    gone = code_passage(
        document,
        team.users["owner"],
        original.index("Budgets"),
        original.index("Budgets") + 20,
        [_context(team).pk],
    )
    # A better extraction of the same paper: a new paragraph before, a passage dropped.
    revised = "Abstract added here.\n\nIntro.\n\nLeaders who listen build trust across teams.\n"
    stored_path(document).write_bytes(revised.encode())
    outcome = run_extraction(document, team.users["owner"])
    assert outcome.ok and outcome.reanchored == 1 and outcome.lost == 1
    fragment.refresh_from_db()
    assert outcome.document.text[fragment.start : fragment.end] == wanted
    assert fragment.anchor == "exact" and fragment.extraction == 2
    gone.refresh_from_db()
    assert gone.anchor == Fragment.Anchor.LOST
