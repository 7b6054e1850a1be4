from __future__ import annotations

from django import forms

from retroduce.core.forms import MultipleFileField
from retroduce.documents.models import Document


class AttachForm(forms.Form):
    files = MultipleFileField(
        label="Files",
        help_text="PDF, HTML, DOCX or TXT, one or several; or a zip of them. Papers are matched "
        "to records by DOI, file name or title.",
    )
    kind = forms.ChoiceField(
        choices=Document.Kind.choices, initial=Document.Kind.PAPER, required=False
    )
    record = forms.IntegerField(
        required=False,
        min_value=1,
        label="Record number",
        help_text="Attach to this record instead of matching automatically (one file only).",
    )


class DocumentForm(forms.ModelForm):
    record_number = forms.IntegerField(
        required=False, min_value=1, label="Record number", help_text="Empty unlinks the record."
    )

    class Meta:
        model = Document
        fields = ["title", "kind", "study_design", "country", "setting"]
        labels = {"study_design": "Study design", "setting": "Setting"}
        help_texts = {
            "study_design": "e.g. qualitative interviews, case study, survey, policy document",
            "setting": "e.g. community health and social care team",
        }


class DocumentFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search titles")
    kind = forms.ChoiceField(
        required=False, choices=[("", "All kinds"), *Document.Kind.choices], label="Kind"
    )
