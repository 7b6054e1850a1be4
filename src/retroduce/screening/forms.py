from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from retroduce.screening.models import ExclusionReason, Keyword, Vote
from retroduce.theory.models import Component


class VoteForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    vote = forms.ChoiceField(choices=Vote.choices)
    reason = forms.ModelChoiceField(
        queryset=ExclusionReason.objects.none(),
        required=False,
        label="Exclusion reason",
        empty_label="No reason",
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Note")
    components = forms.ModelMultipleChoiceField(
        queryset=None,
        required=False,
        label="Relevant to theory components",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = project.exclusion_reasons.filter(active=True)
        current = project.theory_versions.order_by("-number").first()
        self.fields["components"].queryset = (
            current.components.all() if current else Component.objects.none()
        )


class ResolveForm(forms.Form):
    outcome = forms.ChoiceField(choices=[(Vote.INCLUDE, "Include"), (Vote.EXCLUDE, "Exclude")])
    reason = forms.ModelChoiceField(
        queryset=ExclusionReason.objects.none(), required=False, label="Exclusion reason"
    )
    note = forms.CharField(required=False, label="Why")

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["reason"].queryset = project.exclusion_reasons.filter(active=True)


class SettingsForm(forms.Form):
    votes_required = forms.TypedChoiceField(
        choices=[(1, "One reviewer"), (2, "Two independent reviewers")],
        coerce=int,
        label="Votes per record",
    )
    blind = forms.BooleanField(required=False, label="Blind: hide others' votes until complete")
    adjudicator = forms.ModelChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Adjudicator",
        empty_label="Owners only",
    )

    def __init__(self, *args, project, **kwargs) -> None:  # noqa: ANN001,ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["adjudicator"].queryset = get_user_model().objects.filter(
            memberships__project=project, memberships__role__in=["owner", "reviewer"]
        )


class ReasonForm(forms.Form):
    label = forms.CharField(max_length=200, label="New exclusion reason")


class KeywordForm(forms.Form):
    kind = forms.ChoiceField(choices=Keyword.Kind.choices, label="Kind")
    term = forms.CharField(max_length=100, label="Keyword")
