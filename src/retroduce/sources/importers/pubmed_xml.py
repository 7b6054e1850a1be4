"""PubMed XML (efetch or PubMed's "Save" as XML): PubmedArticleSet of PubmedArticle records.

Element names follow NLM's PubMed DTD (pubmed_250101.dtd). Book records (PubmedBookArticle,
from NCBI Bookshelf) are read too. Mapped values are taken from the elements below; every other
leaf element is kept in `extra` under its path, e.g. "MedlineCitation/Article/Journal/ISOAbbreviation".
"""

from __future__ import annotations

from xml.etree.ElementTree import Element

from retroduce.sources.records import RecordData

from . import normalise
from .context import Context
from .types import from_labels
from .xmlflat import flatten, without
from .xmlsafe import first_text, parse_records, text_of, texts

_ROOTS = frozenset(("PubmedArticleSet", "PubmedArticle", "PubmedBookArticle"))
_RECORDS = frozenset(("PubmedArticle", "PubmedBookArticle"))

_CONSUMED = (
    "MedlineCitation/PMID",
    "MedlineCitation/Article/ArticleTitle",
    "MedlineCitation/Article/AuthorList",
    "MedlineCitation/Article/Journal/Title",
    "MedlineCitation/Article/Journal/ISSN",
    "MedlineCitation/Article/Journal/JournalIssue/Volume",
    "MedlineCitation/Article/Journal/JournalIssue/Issue",
    "MedlineCitation/Article/Pagination",
    "MedlineCitation/Article/ELocationID[doi]",
    "MedlineCitation/Article/Abstract",
    "MedlineCitation/Article/Language",
    "MedlineCitation/KeywordList",
    "MedlineCitation/MeshHeadingList",
    "PubmedData/ArticleIdList/ArticleId[doi]",
    "PubmedData/ArticleIdList/ArticleId[pubmed]",
    "BookDocument/PMID",
    "BookDocument/ArticleTitle",
    "BookDocument/AuthorList",
    "BookDocument/Abstract",
    "BookDocument/Language",
    "BookDocument/Book/BookTitle",
    "BookDocument/Book/Isbn",
    "BookDocument/Book/Publisher/PublisherName",
    "BookDocument/ArticleIdList/ArticleId[doi]",
    "BookDocument/ArticleIdList/ArticleId[pubmed]",
)


def parse_pubmed_xml(ctx: Context, text: str, data: bytes, encoding: str) -> list[RecordData]:
    return parse_records(ctx, text, data, encoding, _RECORDS, _ROOTS, "PubMed XML", _record)


def _authors(author_list: Element | None) -> list[str]:
    names: list[str] = []
    if author_list is None:
        return names
    for author in author_list.iterfind("Author"):
        last = first_text(author, "LastName")
        given = first_text(author, "ForeName") or first_text(author, "Initials")
        if last:
            names.append(f"{last}, {given}" if given else last)
        else:
            group = first_text(author, "CollectiveName")
            if group:
                names.append(group)
    return names


def _abstract(abstract: Element | None) -> str:
    """Structured abstracts keep their section labels: "BACKGROUND: …" one per line."""
    if abstract is None:
        return ""
    parts = []
    for section in abstract.iterfind("AbstractText"):
        body = text_of(section)
        label = section.get("Label")
        if body:
            parts.append(f"{label}: {body}" if label else body)
    return "\n".join(parts)


def _pages(pagination: Element | None) -> str:
    if pagination is None:
        return ""
    medline = first_text(pagination, "MedlinePgn")
    if medline:
        return normalise.expand_medline_pages(medline)
    return normalise.join_pages(
        first_text(pagination, "StartPage"), first_text(pagination, "EndPage")
    )


def _doi(*lists: Element | None, elocations: list[Element] | None = None) -> str:
    for id_list in lists:
        if id_list is not None:
            for article_id in id_list.iterfind("ArticleId"):
                if article_id.get("IdType") == "doi":
                    found = normalise.doi(text_of(article_id))
                    if found:
                        return found
    for location in elocations or ():
        if location.get("EIdType") == "doi":
            found = normalise.doi(text_of(location))
            if found:
                return found
    return ""


def _record(element: Element) -> RecordData:
    if element.tag == "PubmedBookArticle":
        return _book_record(element)
    citation = element.find("MedlineCitation")
    article = citation.find("Article") if citation is not None else None
    journal = article.find("Journal") if article is not None else None
    issue = journal.find("JournalIssue") if journal is not None else None
    date = issue.find("PubDate") if issue is not None else None
    year = first_text(date, "Year") or normalise.year(first_text(date, "MedlineDate"))
    if not year and article is not None:
        year = first_text(article, "ArticleDate/Year")
    pmid = first_text(citation, "PMID")
    issns = [text_of(e) for e in journal.iterfind("ISSN")] if journal is not None else []
    return RecordData(
        title=first_text(article, "ArticleTitle"),
        authors=_authors(article.find("AuthorList") if article is not None else None),
        year=year,
        journal=first_text(journal, "Title") or first_text(journal, "ISOAbbreviation"),
        volume=first_text(issue, "Volume"),
        number=first_text(issue, "Issue"),
        pages=_pages(article.find("Pagination") if article is not None else None),
        doi=_doi(
            element.find("PubmedData/ArticleIdList"),
            elocations=list(article.iterfind("ELocationID")) if article is not None else [],
        ),
        abstract=_abstract(article.find("Abstract") if article is not None else None),
        keywords=texts(citation, "KeywordList/Keyword")
        + texts(citation, "MeshHeadingList/MeshHeading/DescriptorName"),
        item_type=from_labels(
            texts(article, "PublicationTypeList/PublicationType"), default="article"
        ),
        issn="; ".join(dict.fromkeys(i for i in issns if i)),
        language=first_text(article, "Language"),
        pmid=pmid,
        database="PubMed",
        accession=pmid,
        extra=without(flatten(element), _CONSUMED),
    )


def _book_record(element: Element) -> RecordData:
    document = element.find("BookDocument")
    book = document.find("Book") if document is not None else None
    chapter_title = first_text(document, "ArticleTitle")
    book_title = first_text(book, "BookTitle")
    authors: list[str] = []
    editors: list[str] = []
    lists = [] if document is None else list(document.iterfind("AuthorList"))
    lists += [] if book is None else list(book.iterfind("AuthorList"))
    for author_list in lists:
        names = _authors(author_list)
        (editors if author_list.get("Type") == "editors" else authors).extend(names)
    pmid = first_text(document, "PMID")
    return RecordData(
        title=chapter_title or book_title,
        authors=authors or editors,
        year=first_text(book, "PubDate/Year") or normalise.year(first_text(book, "PubDate")),
        journal=book_title if chapter_title else "",
        doi=_doi(
            document.find("ArticleIdList") if document is not None else None,
            element.find("PubmedBookData/ArticleIdList"),
        ),
        abstract=_abstract(document.find("Abstract") if document is not None else None),
        item_type="chapter" if chapter_title else "book",
        isbn="; ".join(texts(book, "Isbn")),
        publisher=first_text(book, "Publisher/PublisherName"),
        language=first_text(document, "Language"),
        pmid=pmid,
        database="PubMed",
        accession=pmid,
        extra=without(flatten(element), _CONSUMED),
    )
