"""Operators' admin: framework versions are added through the publish service, so they are validated."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from creditbank.apps.frameworks.models import (
    CorrespondenceRecord,
    CreditSystemRecord,
    FrameworkVersion,
    StudyRecord,
)
from creditbank.apps.frameworks.services import framework_check, framework_publish, read_framework_document
from creditbank.core.errors import DomainError


class FrameworkVersionForm(forms.ModelForm):  # type: ignore[type-arg]
    source = forms.CharField(
        label=_("Framework document (YAML or JSON)"), widget=forms.Textarea(attrs={"rows": 24}), required=True
    )

    class Meta:
        model = FrameworkVersion
        fields = ("note",)

    def clean_source(self) -> dict[str, Any]:
        """Validate fully here, so a bad document is shown on the form and nothing is stored."""
        try:
            document = read_framework_document(self.cleaned_data["source"])
            framework_check(document)
        except DomainError as exc:
            raise ValidationError(exc.render(gettext)) from None
        return document


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    list_display = ("code", "edition", "is_current", "origin", "created_at", "created_by")
    list_filter = ("is_current", "origin", "code")
    search_fields = ("code", "edition")

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any) -> Any:
        if obj is None:
            kwargs["form"] = FrameworkVersionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        if obj is None:
            return ()
        return (
            "code",
            "edition",
            "document",
            "content_hash",
            "is_current",
            "origin",
            "created_at",
            "created_by",
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            obj.save(update_fields=["note"])
            return
        result = framework_publish(
            actor=request.user,  # type: ignore[arg-type]
            document=form.cleaned_data["source"],
            note=form.cleaned_data.get("note", ""),
        )
        obj.pk = FrameworkVersion.objects.get(code=result.framework.code, edition=result.framework.edition).pk

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # versions are history: they are superseded, never deleted


admin.site.register(CreditSystemRecord)
admin.site.register(CorrespondenceRecord)
admin.site.register(StudyRecord)
