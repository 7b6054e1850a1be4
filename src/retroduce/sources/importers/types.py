"""Each format's item types mapped onto records.ITEM_TYPES."""

from __future__ import annotations

# RIS TY codes (RIS specification 2011 plus the codes EndNote, Zotero and Ovid write).
RIS_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("JOUR", "JFULL", "EJOUR", "ABST", "INPR", "MGZN", "NEWS", "SER", "CASE", "ANCIENT"),
        "article",
    ),
    **dict.fromkeys(("BOOK", "EBOOK", "EDBOOK", "CLSWK", "PAMP"), "book"),
    **dict.fromkeys(("CHAP", "ECHAP"), "chapter"),
    **dict.fromkeys(("CONF", "CPAPER"), "conference"),
    **dict.fromkeys(("RPRT", "GOVDOC", "STAND", "HEAR", "BILL", "STAT", "LEGAL"), "report"),
    "THES": "thesis",
    **dict.fromkeys(("DATA", "DBASE", "AGGR"), "dataset"),
    **dict.fromkeys(("ELEC", "WEB", "BLOG", "ICOMM"), "webpage"),
}

# BibTeX and BibLaTeX entry types.
BIBTEX_TYPES: dict[str, str] = {
    "article": "article",
    "periodical": "article",
    **dict.fromkeys(("book", "mvbook", "booklet", "collection", "mvcollection"), "book"),
    **dict.fromkeys(("inbook", "incollection", "bookinbook", "suppbook"), "chapter"),
    **dict.fromkeys(("inproceedings", "conference", "proceedings", "mvproceedings"), "conference"),
    **dict.fromkeys(("techreport", "report", "manual"), "report"),
    **dict.fromkeys(("phdthesis", "mastersthesis", "thesis"), "thesis"),
    "dataset": "dataset",
    **dict.fromkeys(("online", "www", "electronic", "webpage"), "webpage"),
}

# CSL 1.0.2 item types.
CSL_TYPES: dict[str, str] = {
    **dict.fromkeys(
        ("article", "article-journal", "article-magazine", "article-newspaper", "review"),
        "article",
    ),
    **dict.fromkeys(("book", "classic", "collection", "periodical"), "book"),
    "chapter": "chapter",
    **dict.fromkeys(("paper-conference", "event", "speech"), "conference"),
    **dict.fromkeys(("report", "standard", "legislation", "regulation", "bill"), "report"),
    "thesis": "thesis",
    "dataset": "dataset",
    **dict.fromkeys(("webpage", "post", "post-weblog"), "webpage"),
}

# Free-text labels (EndNote ref-type names, Zotero item types, Scopus/WoS document types, PubMed
# publication types), matched on their letters only: "Journal Article" -> "journalarticle".
_LABELS: dict[str, str] = {
    **dict.fromkeys(
        (
            "journalarticle article review letter editorial editorialmaterial note comment news "
            "newspaperarticle magazinearticle electronicarticle shortsurvey erratum correction "
            "j jour articleinpress preprint casereport clinicaltrial randomizedcontrolledtrial "
            "metaanalysis systematicreview s"
        ).split(),
        "article",
    ),
    **dict.fromkeys(("book", "editedbook", "b", "books", "monograph", "ebook"), "book"),
    **dict.fromkeys(
        ("booksection", "bookchapter", "chapter", "section", "incollection", "inbook"), "chapter"
    ),
    **dict.fromkeys(
        (
            "conferencepaper conferenceproceedings proceedingspaper conferencereview "
            "meetingabstract conference congress inproceedings paperconference"
        ).split(),
        "conference",
    ),
    **dict.fromkeys(
        ("report", "governmentdocument", "technicalreport", "policy", "guideline", "standard"),
        "report",
    ),
    **dict.fromkeys(("thesis", "dissertation", "phdthesis", "mastersthesis"), "thesis"),
    **dict.fromkeys(("dataset", "datapaper", "data"), "dataset"),
    **dict.fromkeys(("webpage", "web", "website", "blogpost", "onlinemultimedia"), "webpage"),
}

# Substrings tried in order when a label is not known exactly ("Review Article, Open Access").
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("chapter", "chapter"),
    ("section", "chapter"),
    ("conference", "conference"),
    ("proceeding", "conference"),
    ("congress", "conference"),
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("report", "report"),
    ("dataset", "dataset"),
    ("book", "book"),
    ("web", "webpage"),
    ("article", "article"),
    ("journal", "article"),
    ("review", "article"),
)


def from_label(label: str) -> str:
    """The ITEM_TYPES entry for a free-text type label, "other" when it says nothing we know."""
    key = "".join(ch for ch in label.lower() if ch.isalpha())
    if not key:
        return "other"
    if key in _LABELS:
        return _LABELS[key]
    for needle, kind in _CONTAINS:
        if needle in key:
            return kind
    return "other"


def from_labels(labels: list[str], default: str = "other") -> str:
    """The most specific type among several labels (PubMed gives "Journal Article" + "Review")."""
    kinds = [from_label(label) for label in labels]
    for kind in kinds:
        if kind not in ("other", "article"):
            return kind
    return "article" if "article" in kinds else default
