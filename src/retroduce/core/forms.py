from __future__ import annotations

from django import forms

from retroduce.core.models import (
    PROTOCOL_FIELDS,
    ChangeLogEntry,
    ProtocolVersion,
    Role,
    object_kind,
)


class ProjectForm(forms.Form):
    title = forms.CharField(max_length=300, label="Title of the review")
    slug = forms.SlugField(
        max_length=70,
        required=False,
        label="Short address (optional)",
        help_text="Letters, numbers and hyphens; made from the title when left empty.",
    )
    question = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}), required=False, label="Review question"
    )


class MemberForm(forms.Form):
    username = forms.CharField(max_length=150, label="Username")
    role = forms.ChoiceField(choices=Role.choices, label="Role", initial=Role.REVIEWER)


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=Role.choices, label="Role")


class ProtocolForm(forms.ModelForm):
    summary = forms.CharField(
        max_length=500,
        required=False,
        label="What changed and why",
        help_text="Kept with this version so readers of later versions know why it changed.",
    )

    class Meta:
        model = ProtocolVersion
        fields = list(PROTOCOL_FIELDS)
        labels = PROTOCOL_FIELDS
        widgets = {
            name: forms.Textarea(attrs={"rows": 4}) for name in PROTOCOL_FIELDS if name != "title"
        }


class ChangeLogForm(forms.ModelForm):
    class Meta:
        model = ChangeLogEntry
        fields = ["what", "why", "decided_by", "decided_on"]
        labels = {
            "what": "What changed in the planned process",
            "why": "Why",
            "decided_by": "Who decided",
            "decided_on": "Date decided",
        }
        widgets = {
            "what": forms.Textarea(attrs={"rows": 2}),
            "why": forms.Textarea(attrs={"rows": 2}),
            "decided_on": forms.DateInput(attrs={"type": "date"}),
        }


class HistoryFilterForm(forms.Form):
    q = forms.CharField(required=False, label="Search")
    actor = forms.CharField(required=False, label="Who")
    verb = forms.ChoiceField(required=False, label="Action")
    object_type = forms.ChoiceField(required=False, label="Object")
    since = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, verbs: list[str], object_types: list[str], **kwargs) -> None:  # noqa: ANN002,ANN003
        super().__init__(*args, **kwargs)
        self.fields["verb"].choices = [("", "Any")] + [(v, v) for v in verbs]
        self.fields["object_type"].choices = [("", "Any")] + [
            (o, object_kind(o)) for o in object_types
        ]


class MultipleFileInput(forms.ClearableFileInput):
    # Django refuses `multiple` on a plain file input unless the widget says it handles lists.
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field whose cleaned value is the list of every file chosen."""

    def __init__(self, *args, **kwargs) -> None:  # noqa: ANN002,ANN003
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):  # noqa: ANN001,ANN201
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data]
        return [super().clean(data, initial)]
