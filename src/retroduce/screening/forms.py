from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Subquery

from retroduce.core.models import Project
from retroduce.screening.models import ExclusionReason, Keyword, Vote
from retroduce.theory.models import Component


def vote_choices(project: Project) -> tuple[list[ExclusionReason], list[Component]]:
    """The active exclusion reasons and the current theory version's components, read once per
    project object: a vote builds two forms (the one posted and the next record's), and model
    choice fields would query again for each and again to render."""
    known = project.__dict__.get("_vote_choices")
    if known is None:
        from retroduce.screening.services import reasons

        latest = project.theory_versions.order_by("-number").values("pk")[:1]
        known = (reasons(project), list(Component.objects.filter(version=Subquery(latest))))
        project.__dict__["_vote_choices"] = known
    return known


class VoteForm(forms.Form):
    record = forms.IntegerField(widget=forms.HiddenInput)
    vote = forms.ChoiceField(choices=Vote.choices)
    reason = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, label="Exclusion reason"
    )
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Note")
    components = forms.TypedMultipleChoiceField(
        coerce=int,
        required=False,
        label="Relevant to theory components",
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, project: Project, **kwargs) -> None:  # noqa: ANN002,ANN003
        super().__init__(*args, **kwargs)
        reasons, components = vote_choices(project)
        self._reasons = {reason.pk: reason for reason in reasons}
        self._components = {component.pk: component for component in components}
        self.fields["reason"].choices = [("", "No reason")] + [(r.pk, r.label) for r in reasons]
        self.fields["components"].choices = [(c.pk, str(c)) for c in components]

    def clean_reason(self) -> ExclusionReason | None:
        chosen = self.cleaned_data["reason"]
        return None if chosen is None else self._reasons[chosen]

    def clean_components(self) -> list[Component]:
        return [self._components[pk] for pk in self.cleaned_data["components"]]


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
