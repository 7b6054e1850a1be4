from __future__ import annotations

from django import forms

from retroduce.core.forms import MultipleFileField
from retroduce.sources.models import SearchEpisode


class EpisodeForm(forms.ModelForm):
    class Meta:
        model = SearchEpisode
        fields = [
            "purpose",
            "supplementary_kind",
            "source",
            "date_run",
            "coverage",
            "hits_reported",
            "strategy",
            "limits",
            "notes",
            "components",
        ]
        labels = {
            "supplementary_kind": "Kind of supplementary search",
            "hits_reported": "Hits reported by the source",
            "coverage": "Dates covered",
            "components": "Theory components this search tests",
        }
        widgets = {
            "date_run": forms.DateInput(attrs={"type": "date"}),
            "strategy": forms.Textarea(attrs={"rows": 6, "class": "mono"}),
            "limits": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        current = project.theory_versions.order_by("-number").first()
        queryset = (
            current.components.all() if current else self.fields["components"].queryset.none()
        )
        self.fields["components"].queryset = queryset
        self.fields["components"].required = False


class UploadForm(forms.Form):
    files = MultipleFileField(
        label="Export files",
        help_text="RIS, MEDLINE (.nbib), PubMed XML, BibTeX, EndNote XML, CSV/TSV/XLSX or CSL-JSON. "
        "The format is recognised from the content.",
    )
    episode = forms.ModelChoiceField(
        queryset=SearchEpisode.objects.none(),
        required=False,
        label="Search episode",
        empty_label="No episode (not recommended)",
    )

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = project.episodes.all()


class RecordFilterForm(forms.Form):
    STATUS = [
        ("", "All records"),
        ("unique", "Unique (what screening sees)"),
        ("duplicate", "Merged duplicates"),
        ("review", "Waiting for duplicate review"),
    ]
    q = forms.CharField(required=False, label="Search title, author, DOI or journal")
    episode = forms.ModelChoiceField(
        queryset=SearchEpisode.objects.none(),
        required=False,
        label="Found by",
        empty_label="Any search",
    )
    status = forms.ChoiceField(choices=STATUS, required=False, label="Duplicate status")

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["episode"].queryset = project.episodes.all()
