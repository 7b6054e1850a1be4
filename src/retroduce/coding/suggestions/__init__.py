"""Suggested passages for a code: uncoded passages in other documents that resemble its fragments."""

from retroduce.coding.suggestions.engine import Suggestion, SuggestionEngine
from retroduce.coding.suggestions.segment import segment

__all__ = ["Suggestion", "SuggestionEngine", "segment"]
