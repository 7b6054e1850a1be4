"""Re-anchoring coded fragments after a document's text is extracted again."""

from __future__ import annotations

import random
import time

import pytest

from retroduce.coding.anchoring import Anchor, make_anchor, reanchor

PASSAGE = "Trust in the ward manager grew once budgets were shared openly with staff"
TEXT = (
    "Background. Nurses described a hierarchical culture.\n"
    f"{PASSAGE}. Turnover fell in the second year.\n"
    "Conclusion. Shared budgets matter."
)


def anchor_of(text: str, quote: str, occurrence: int = 0) -> Anchor:
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(quote, start + 1)
    return make_anchor(text, start, start + len(quote))


def test_make_anchor_keeps_quote_and_context():
    anchor = anchor_of(TEXT, PASSAGE)
    assert anchor.quote == PASSAGE
    assert TEXT[anchor.start - len(anchor.prefix) : anchor.start] == anchor.prefix
    assert len(anchor.prefix) == 40
    assert anchor.suffix == TEXT[anchor.end : anchor.end + 40]


@pytest.mark.parametrize("start,end", [(-1, 3), (3, 3), (5, 2), (0, len(TEXT) + 1)])
def test_make_anchor_rejects_bad_offsets(start, end):
    with pytest.raises(ValueError):
        make_anchor(TEXT, start, end)


def test_unchanged_text_keeps_offsets():
    anchor = anchor_of(TEXT, PASSAGE)
    found = reanchor(TEXT, anchor)
    assert found is not None
    assert (found.start, found.end, found.exact, found.score) == (
        anchor.start,
        anchor.end,
        True,
        1.0,
    )


def test_text_inserted_before_the_passage():
    anchor = anchor_of(TEXT, PASSAGE)
    changed = "Abstract. A new first paragraph from a better extraction.\n\n" + TEXT
    found = reanchor(changed, anchor)
    assert found is not None and found.exact
    assert changed[found.start : found.end] == PASSAGE


def test_emoji_counts_as_one_code_point():
    # "😀" is two UTF-16 units in a browser but one str index in Python; offsets are str indices.
    text = "Staff said 😀 when asked. " + PASSAGE + "."
    anchor = anchor_of(text, PASSAGE)
    assert anchor.start == text.index("Trust")
    changed = "🙂🙂 " + text
    found = reanchor(changed, anchor)
    assert found is not None and found.exact
    assert found.start == anchor.start + 3
    assert changed[found.start : found.end] == PASSAGE


def test_emoji_inside_the_quote():
    text = "Before. The team 👩‍⚕️ trusted the manager. After."
    anchor = anchor_of(text, "The team 👩‍⚕️ trusted the manager")
    found = reanchor("New line.\n" + text, anchor)
    assert found is not None and found.exact
    assert found.end - found.start == len("The team 👩‍⚕️ trusted the manager")


def test_combining_accents_re_extracted_as_precomposed():
    # Decomposed "e" + U+0301 in the old extraction, precomposed "é" in the new one.
    old = "Les infirmie\u0300res ont fait confiance a\u0300 l'e\u0301quipe de direction."
    new = "Les infirmières ont fait confiance à l'équipe de direction."
    anchor = anchor_of(old, "confiance a\u0300 l'e\u0301quipe")
    found = reanchor(new, anchor)
    assert found is not None and not found.exact
    assert new[found.start : found.end] == "confiance à l'équipe"
    assert found.score == 1.0


def test_crlf_in_the_source():
    old = TEXT.replace(PASSAGE, "Trust in the ward manager grew\r\nonce budgets were shared")
    anchor = anchor_of(old, "manager grew\r\nonce budgets")
    new = old.replace("\r\n", "\n")
    found = reanchor(new, anchor)
    assert found is not None and not found.exact
    assert new[found.start : found.end] == "manager grew\nonce budgets"


def test_bom_at_the_start():
    anchor = anchor_of(TEXT, "Background. Nurses")
    new = "\ufeff" + TEXT
    found = reanchor(new, anchor)
    assert found is not None and found.exact
    assert (found.start, found.end) == (1, 1 + len("Background. Nurses"))
    # and the other way round: the BOM was in the old text and the quote starts with it
    old = "\ufeffBackground. Nurses described"
    anchor = make_anchor(old, 0, 11)
    found = reanchor("Background. Nurses described", anchor)
    assert found is not None
    assert (found.start, found.end) == (0, 10)


def test_whitespace_hyphenation_and_ligatures_changed():
    old = "Results.\nThe ﬁrst ﬁnding was that trust in lead-\ners grew   slowly. Next."
    new = "Results. The first finding was that trust in leaders grew slowly. Next."
    anchor = anchor_of(old, "ﬁrst ﬁnding was that trust in lead-\ners grew   slowly")
    found = reanchor(new, anchor)
    assert found is not None and not found.exact
    assert new[found.start : found.end] == "first finding was that trust in leaders grew slowly"
    # and back again: plain text coded, PDF-like text re-extracted
    anchor = anchor_of(new, "first finding was that trust in leaders")
    found = reanchor(old, anchor)
    assert found is not None
    assert old[found.start : found.end] == "ﬁrst ﬁnding was that trust in lead-\ners"


def test_duplicate_quote_chosen_by_context():
    text = (
        "In ward A, budgets were shared. Staff felt trusted and stayed. "
        "In ward B, budgets were shared. Staff felt watched and left."
    )
    second = anchor_of(text, "budgets were shared", occurrence=1)
    # Text inserted before both moves the offsets so that the first occurrence is 3 characters
    # from the old position and the second 63; the prefix "In ward B, " still picks the second.
    new = "x" * (second.start - text.index("budgets") + 3) + text
    found = reanchor(new, second)
    assert found is not None
    assert new[found.start - 11 : found.start] == "In ward B, "
    first = anchor_of(text, "budgets were shared", occurrence=0)
    found = reanchor(new, first)
    assert found is not None
    assert new[found.start - 11 : found.start] == "In ward A, "


def test_fuzzy_match_after_ocr_fixes():
    old = "Managers who shared the budget with frontline staff were trusted more by their teams."
    new = "Intro. Managers who shared the budgets with front-line staff were trusted more by the teams."
    anchor = make_anchor(old, 0, len(old) - 1)
    found = reanchor(new, anchor)
    assert found is not None and not found.exact
    assert 0.8 <= found.score < 1.0
    assert new[found.start : found.end].startswith("Managers who shared")


def test_missing_passage_returns_none():
    anchor = anchor_of(TEXT, PASSAGE)
    new = TEXT.replace(PASSAGE, "Patients valued continuity of care above all else in the clinic")
    assert reanchor(new, anchor) is None
    assert reanchor("", anchor) is None


def test_fast_on_a_megabyte():
    rng = random.Random(7)
    words = "trust budget leadership staff ward manager policy care outcome context".split()
    text = " ".join(rng.choice(words) + str(rng.randint(0, 999)) for _ in range(110_000))
    text = text[:1_000_000]
    anchor = make_anchor(text, 500_000, 510_000)
    changed = ("new heading\r\n" + text).replace(" ", "\n", 2000)
    started = time.perf_counter()
    found = reanchor(changed, anchor)
    elapsed = time.perf_counter() - started
    assert found is not None
    assert changed[found.start : found.end].split() == anchor.quote.split()
    # 50 ms on an idle machine; loose here so that a busy CI runner does not fail it.
    assert elapsed < 0.5
