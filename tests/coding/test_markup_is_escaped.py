"""Text from files and from people is shown as text on every coding page, never run as markup."""

from __future__ import annotations

import pytest
from django.urls import reverse

from retroduce.coding import codebook
from retroduce.coding.codebook import live_codes
from retroduce.coding.services import code_passage, write_memo

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_script_in_titles_text_codes_and_memos_is_escaped_everywhere(team, ready_document):
    owner = team.users["owner"]
    text = f"Intro {EVIL} leaders listened.\n"
    document = ready_document("paper.html.txt", text.encode(), title=f"Title {EVIL}")
    codebook.ensure_codebook(team.project)
    context = live_codes(team.project).get(name="Context")
    code = codebook.create_code(team.project, owner, f"Code {EVIL}", parent=context)
    start = text.index("<script>")
    code_passage(document, owner, start, start + len(EVIL), [code.pk])
    write_memo(team.project, owner, f"Memo {EVIL}", EVIL, code=code)
    client = team.client("reviewer")
    slug = team.project.slug
    pages = [
        reverse("documents", args=[slug]),
        reverse("document", args=[slug, document.pk]),
        reverse("codebook", args=[slug]),
        reverse("code", args=[slug, code.pk]),
        reverse("matrix", args=[slug]),
        reverse("cooccurrence", args=[slug]),
        reverse("memos", args=[slug]),
        reverse("suggestions", args=[slug, code.pk]),
    ]
    for url in pages:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
    viewer = client.get(reverse("document", args=[slug, document.pk])).content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in viewer
    # The code picker's data is JSON inside a script element, with < escaped as \\u003C.
    assert "Code \\u003Cscript\\u003E" in viewer
