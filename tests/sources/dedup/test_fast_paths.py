"""The shortcuts that keep large look-alike sets fast give exactly the answers of the long way."""

from __future__ import annotations

import dataclasses
import gc
import random
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from retroduce.sources.dedup import DedupRecord, fields, find_duplicates, text
from retroduce.sources.dedup.blocking import candidate_pairs
from retroduce.sources.dedup.compare import (
    TITLE_FLOOR,
    Decision,
    Verdict,
    compare,
    judge,
    pair_screen,
)
from retroduce.sources.dedup.evidence import RATIO_CUTOFF, title_similarity
from retroduce.sources.dedup.prepare import Prepared, prepare
from tests.sources.dedup.factory import record

# ---------------------------------------------------------------- the long ways


def fold_long(s: str) -> str:
    decomposed = unicodedata.normalize("NFKD", s.translate(text._FOLD_TABLE))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def clean_title_long(raw: str) -> tuple[str, bool]:
    title = raw.strip().strip('"').strip()
    erratum = False
    if "[" in title or "(" in title or "review" in title.lower():
        title = text._LINK_NOTE.sub("", title)
        title = text._ANNOTATION.sub("", title)
        title = text._LANGUAGE_TAG.sub("", title)
        stripped = text._ERRATUM_CITATION.sub("", title)
        erratum = stripped != title
        title = stripped
    for _ in range(2):
        footnote = text._FOOTNOTE.search(title)
        if footnote and not text._NUMBERING_WORD.search(title[: footnote.start()]):
            title = title[: footnote.start()]
        if title.endswith((")", "]")):
            title = text._TRAILING_NOTE.sub("", title)
    return text.strip_markup(title), erratum


def normalise_title_long(cleaned: str) -> str:
    out = text._NON_WORD.sub(" ", fold_long(cleaned).replace("&", " and ")).strip()
    if text._ROMAN_AFTER.search(out):
        out = text._ROMAN_AFTER.sub(
            lambda m: f"{m.group(1)} {dict(i='1', v='5', x='10')[m.group(2)]}", out
        )
    if text._ROMAN_ALONE.search(out):
        out = text._ROMAN_ALONE.sub(lambda m: text._ROMAN[m.group(1)], out)
    if text._PART_WORD.search(out):
        out = text._PART_WORD.sub(lambda m: f"{m.group(1)} {text._NUMBER_WORDS[m.group(2)]}", out)
    return out


def markers_long(cleaned: str) -> frozenset[str]:
    folded = fold_long(cleaned)
    return frozenset(name for name, _, pattern in text._MARKERS if pattern.search(folded))


def author_tokens_long(raw: str) -> frozenset[str]:
    folded = fold_long(text.strip_markup(raw))
    return frozenset(
        fields._german_fold(t)
        for t in fields._NAME_TOKEN.findall(folded)
        if t not in fields._PARTICLES
    )


def names_split_long(raw: str) -> list[str]:
    return fields._NAME_SPLIT.split(text.strip_markup(raw))


WORDS = (
    "part phase study type stage trial section grade i ii iii iv v vi ix x one two three six "
    "erratum errata corrigendum correction retraction withdrawn notice of comment commentary re "
    "letter on to in response reply authors' author's protocol design rationale and abstract "
    "abstracts review refs covid 19 2 12 mueller muller due de van le la ae oe ue"
).split()
PHRASES = [
    "study design",
    "design and rationale",
    "rationale and design",
    "in response to",
    "reply to",
    "in reply",
    "authors' response",
    "notice of retraction",
    "retraction of",
    "erratum to",
    "comment on",
    "re:",
    "abstracts:",
    "part ii",
    "phase one",
    "type x",
    "section v",
    "review 12 refs",
    "[review]",
    "[42 refs]",
    "(author's transl)",
    "[erratum appears in chest 1993]",
    "[german]",
    "(multiple letters)",
    "(vol 360, pg 542, 2009)",
    "[1]",
    "**",
    " 1",
    "representation 1",
]
PIECES = [*WORDS, *PHRASES, ":", ".", ",", "&", "-", "?", "(", ")", "[", "]", "*", "_", "\t", "\n"]
ODD = ["é", "Ü", "ß", "ø", "Σ", "ς", "İ", "ﬁ", "한", "²", "٣", "\u0301", "\u00a0", "’", "–"]
phrases = st.lists(st.sampled_from(PIECES + ODD), max_size=14).map(" ".join)
texts = st.one_of(phrases, st.text(max_size=30), phrases.map(str.title), phrases.map(str.upper))


@pytest.mark.parametrize(
    "raw",
    ["Müller Ørsted", "ΟΔΥΣΣΕΥΣ", "Straße", "Ærø", "한국어", "ﬁnal", "e\u0301\u0323x", "İstanbul"],
)
def test_folding_by_character_equals_folding_the_whole_string(raw):
    assert text.fold(raw) == fold_long(raw)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(texts)
def test_title_and_author_shortcuts_agree_with_the_long_way(raw):
    assert text.fold(raw) == fold_long(raw)
    assert text.clean_title(raw) == clean_title_long(raw)
    cleaned = text.clean_title(raw)[0]
    assert text.normalise_title(cleaned) == normalise_title_long(cleaned)
    assert text.title_markers(cleaned) == markers_long(cleaned)
    assert fields.author_tokens(raw) == author_tokens_long(raw)
    unmarked = text.strip_markup(raw)
    if not any(c in unmarked for c in ";&\n"):
        assert fields._NAME_SPLIT_AND.split(unmarked) == names_split_long(raw)


@pytest.mark.parametrize("phrase", PHRASES)
@pytest.mark.parametrize(
    "template", ["{}", "{} the trial", "A trial: {}", "Long title of a trial {}"]
)
def test_every_title_rule_still_fires_where_it_did(phrase, template):
    for raw in (template.format(phrase), template.format(phrase).upper() + " Ü"):
        assert text.clean_title(raw) == clean_title_long(raw)
        cleaned = text.clean_title(raw)[0]
        assert text.normalise_title(cleaned) == normalise_title_long(cleaned)
        assert text.title_markers(cleaned) == markers_long(cleaned)


def test_name_shortcuts_keep_particles_and_wildcards_apart():
    # "Due" is a family name, not the particle "du" it folds to; "de" is a particle.
    assert fields.author_tokens("Due, Anne and de Vries, B.") == {"du", "anne", "vries"}
    assert fields.author_tokens("Cobano?lu, A. and Smith, J.") == {"cobano?lu", "smith"}
    assert fields.author_names("Smith, J.; Doe, A. and Roe, B.") == [
        "Smith, J.",
        "Doe, A.",
        "Roe, B.",
    ]


# ---------------------------------------------------------------- pairs ruled out early

POOLS = {
    "title": [
        "Intrapleural fibrinolytic therapy for pleural infection in adults",
        "Intrapleural fibrinolytic therapy for pleural infection",
        "Intrapleural fibrinolytic therapy for pleural infection in adults: a randomised trial",
        "Intrapleural fibrinolytic treatment for pleural infections in adults",
        "Intrapleural therapy for empyema in older adults",  # 69% alike: between the thresholds
        "Fibrinolytic therapy for pleural infection",
        "Intrapleural fibrinolytic therapy",  # contained in the first, yet under 59% alike
        "Outcomes of pleural infection in children",
        "Cost of hospital parking for staff",
        "Editorial",
        "",
    ],
    "author": [
        "Maskell, N. and Davies, C.",
        "Maskell N, Nunn A",
        "Maskel, N. and Davies, C.",
        "Garcia Rodriguez, L. and Davies, C.",
        "Rodriguez, L. and Davies, C.",
        "Roe, R.",
        "",
    ],
    "year": ["2005", "2006", "2009", ""],
    "volume": ["352", "353", ""],
    "number": ["9", "10", ""],
    "pages": ["865-874", "865", "866-874", "12-14", ""],
    "doi": ["10.1056/NEJMoa042473", "10.1056/other", ""],
    "journal": ["New England Journal of Medicine", "N Engl J Med", "Thorax", ""],
    "entry_type": ["article", "conference", ""],
}
records = st.fixed_dictionaries({k: st.sampled_from(v) for k, v in POOLS.items()})


def _variant(x: dict[str, str]) -> st.SearchStrategy[dict[str, str]]:
    """A second record agreeing with the first on some fields, to reach the rarer rules."""
    return st.fixed_dictionaries(
        {k: st.one_of(st.just(x[k]), st.sampled_from(v)) for k, v in POOLS.items()}
    )


record_pairs = records.flatmap(lambda x: st.tuples(st.just(x), _variant(x)))


def compare_long(a: Prepared, b: Prepared) -> Verdict:
    """`compare` with only the title floor in front of the full verdict, as it always had."""
    title = title_similarity(a, b)
    if (
        a.compact
        and b.compact
        and title[0] < TITLE_FLOOR
        and not (a.doi and a.doi == b.doi)
        and not (a.page_first and a.page_first == b.page_first)
    ):
        return Verdict(Decision.DISTINCT, 0.0)
    return judge(a, b, title)


@settings(max_examples=1000, deadline=None, derandomize=True, database=None)
@given(record_pairs)
def test_pairs_ruled_out_early_are_ones_the_full_verdict_calls_distinct(pair):
    a = prepare(DedupRecord(id="a", **pair[0]), 0)
    b = prepare(DedupRecord(id="b", **pair[1]), 1)
    quick, full = compare(a, b), compare_long(a, b)
    assert quick.decision is full.decision
    if full.decision is not Decision.DISTINCT:
        assert quick == full
        # ... and the bulk screen in front of `compare` lets the pair through, either way round.
        keep = pair_screen([a, b])
        assert keep(0, [1]) == [1] and keep(1, [0]) == [0]


@pytest.mark.parametrize(
    "changes",
    [
        {"pages": "866-874"},  # the same last page of the range
        {"pages": "866-874", "author": "Maskel, N. A. and Davies, C. W. H. and Nunn, A. J."},
        {"author": "Maskel, N. A. and Davies, C. W. H. and Nunn, A. J."},  # a typo in the name
    ],
)
def test_unlike_titles_with_one_citation_are_still_linked(changes):
    # 69% alike titles, no DOI: only the citation (year, volume, pages, authors) links them.
    a = prepare(record("a", doi="", title=POOLS["title"][0]), 0)
    b = prepare(
        record("b", doi="", title="Intrapleural therapy for empyema in older adults", **changes),
        1,
    )
    assert compare(a, b) == compare_long(a, b)
    assert compare(a, b).decision is not Decision.DISTINCT
    assert pair_screen([a, b])(0, [1]) == [1]


def test_the_ratio_cut_off_lies_below_the_title_floor():
    assert RATIO_CUTOFF < TITLE_FLOOR * 100


def _low_diversity(n: int, seed: int = 11) -> list[DedupRecord]:
    """Titles from 40 words and a dozen surnames: the blocks are huge, the works all distinct."""
    rng = random.Random(seed)
    vocabulary = (
        "integrated care realist review mechanism context outcome programme theory primary "
        "health services community nursing hospital integration partnership trust quality "
        "implementation evaluation qualitative interview survey stakeholder manager clinician "
        "culture change network policy funding workforce training capacity people protocol"
    ).split()
    names = "Smith Jones Brown Müller García Rossi Nguyen Kowalski Tanaka Silva Kim Patel".split()
    out = []
    for i in range(n):
        year = rng.randint(2000, 2009)
        first = rng.randint(1, 300)
        out.append(
            DedupRecord(
                id=f"r{i}",
                title=" ".join(rng.choices(vocabulary, k=rng.randint(6, 14))).capitalize(),
                author=" and ".join(f"{rng.choice(names)}, A." for _ in range(rng.randint(1, 6))),
                year=str(year),
                journal="Journal of Integrated Care",
                volume=str(rng.randint(1, 20)),
                number=str(rng.randint(1, 4)),
                pages=f"{first}-{first + rng.randint(3, 12)}",
                doi=f"10.1000/{i}",
            )
        )
    return out


def test_on_look_alike_records_the_screen_drops_only_distinct_pairs():
    recs = _low_diversity(1500)
    prepared = [prepare(r, i) for i, r in enumerate(recs)]
    every = candidate_pairs(prepared)
    screened = candidate_pairs(prepared, keep=pair_screen(prepared))
    assert set(screened) <= set(every)
    assert len(screened) * 10 < len(every)  # the point of it: most pairs never reach `compare`
    for i, j in sorted(set(every) - set(screened)):
        assert compare_long(prepared[i], prepared[j]).decision is Decision.DISTINCT


def test_duplicates_among_look_alike_records_are_still_found():
    recs = _low_diversity(1500)
    twin = recs[700]
    recs.append(dataclasses.replace(twin, id="twin", title=twin.title.upper()))
    result = find_duplicates(recs)
    assert ["r700", "twin"] in result.clusters


@pytest.mark.parametrize("enabled", [True, False])
def test_the_garbage_collector_is_left_as_it_was_found(enabled):
    was = gc.isenabled()
    try:
        (gc.enable if enabled else gc.disable)()
        find_duplicates(_low_diversity(50))
        assert gc.isenabled() is enabled
    finally:
        (gc.enable if was else gc.disable)()
