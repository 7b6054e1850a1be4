"""Writers turning a retroduce.reports.document.Report into Markdown, HTML or Word.

Pure functions of the Report value: no Django, no network, no files written (the caller decides
where bytes go). to_docx is imported lazily because python-docx is needed only for Word output.
"""

from __future__ import annotations

from typing import Any

from .html_page import to_html
from .markdown import figure_name, markdown_figures, to_markdown

__all__ = ["figure_name", "markdown_figures", "to_docx", "to_html", "to_markdown"]


def __getattr__(name: str) -> Any:
    if name == "to_docx":
        from .word import to_docx

        return to_docx
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
