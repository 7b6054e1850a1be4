"""BibTeX: braces, quotes, @string macros, concatenation, LaTeX accents, names, comments."""

from __future__ import annotations

from .helpers import by_title, failure, parse_fixture, parse_text


def test_article_with_macro_journal_and_protected_words() -> None:
    result = parse_fixture("references.bib")
    assert result.format == "bibtex"
    assert len(result.records) == 5  # @string, @comment and @preamble are not records
    rec = by_title(result, "Leadership")
    assert rec.title == "Leadership in Integrated Care: a Realist Review of How and Why it Works"
    assert rec.journal == "BMC Health Services Research"  # from @string{bmc = …}
    assert rec.authors == ["Smith, John A.", "Okafor, Chidi", "Integrated Care Study Group"]
    assert rec.year == "2019"  # a bare number
    assert rec.pages == "412-430"
    assert rec.doi == "10.1186/s12913-019-4123-x"
    assert rec.keywords == ["integrated care", "leadership", "realist review"]
    assert rec.issn == "1472-6963"
    assert rec.item_type == "article"
    assert rec.extra["citekey"] == ["smith2019leadership"]
    assert rec.extra["note"] == ["Cited by 7"]
    assert rec.line == 11
    assert rec.raw.startswith("@article{smith2019leadership,")
    assert rec.raw.endswith("}")


def test_latex_accents_quotes_and_concatenation() -> None:
    rec = by_title(parse_fixture("references.bib"), "Governance")
    assert rec.title == "Governance and accountability in Øresund & beyond"
    assert rec.authors == ["Müller, Jürgen", "Lefèvre, François", "Álvarez, Ana"]
    assert rec.journal == "Journal of Advanced Nursing"
    assert rec.extra["month"] == ["june"]
    assert rec.pages == "600-611"
    assert rec.url == "https://example.org/~paper--1"  # URLs are not decoded as LaTeX


def test_von_particles_booktitle_and_conference_type() -> None:
    rec = by_title(parse_fixture("references.bib"), "Trust in community")
    assert rec.authors == ["von Berg, Ludwig", "Dubois, Jean-Paul"]
    assert rec.item_type == "conference"
    assert rec.journal == "Proceedings of the International Conference on Integrated Care"
    assert rec.publisher == "IFIC"


def test_edited_book_and_parenthesised_entry() -> None:
    result = parse_fixture("references.bib")
    book = by_title(result, "Realist Evaluation")
    assert book.item_type == "book"
    assert book.authors == ["Pawson, Ray", "Tilley, Nick"]  # editors, for want of authors
    assert book.extra["editor"] == ["Pawson, Ray and Tilley, Nick"]
    assert book.isbn == "978-0-7619-5008-0"
    who = by_title(result, "Framework")
    assert who.authors == ["World Health Organization"]
    assert who.pmid == "27000000"
    assert who.item_type == "other"


def test_common_accent_forms() -> None:
    text = (
        "@article{a, author = {Ram{\\'\\i}rez, Jos{\\'e} and Dvo{\\v{r}}{\\'a}k, Anton{\\'\\i}n and "
        'Stra{\\ss}e, Gr{\\"u}n and {\\AA}str{\\"o}m, {\\O}ystein}, title = {Na\\"{\\i}ve '
        "caf\\'e {\\`a} la \\emph{carte} -- 50\\% off \\& more}, year = {2001}}"
    )
    rec = parse_text("accents.bib", text).records[0]
    assert rec.authors == ["Ramírez, José", "Dvořák, Antonín", "Straße, Grün", "Åström, Øystein"]
    assert rec.title == "Naïve café à la carte – 50% off & more"


def test_unclosed_entry_names_its_first_line() -> None:
    text = (
        "@article{ok, title={Fine}}\n\n@article{broken,\n  title = {Never closed,\n  year=2020,\n"
    )
    error = failure("broken.bib", text.encode())
    assert "the entry that starts on line 3 is never closed" in error.reason
    assert "truncated" in error.reason


def test_missing_comma_between_fields_is_reported_with_its_line() -> None:
    text = "@article{key,\n  title = {A}\n  year = {2020}\n}\n"
    error = failure("comma.bib", text.encode())
    assert error.line == 3
    assert "a comma may be missing" in error.reason


def test_email_addresses_in_comments_are_not_entries() -> None:
    text = "Contact me at someone@example.org for corrections.\n@book{b, title={Only one}}\n"
    result = parse_text("mail.bib", text)
    assert [r.title for r in result.records] == ["Only one"]
