from __future__ import annotations

import hashlib
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from samla.accounts.models import User
from samla.activities.models import Activity
from samla.imports import reading
from samla.imports.models import ImportJob
from samla.organisations.models import Association

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX_MAGIC = b"PK\x03\x04"


class UploadForm(forms.Form):
    association = forms.ModelChoiceField(
        label=gettext_lazy("Samordningsförbund"),
        queryset=Association.objects.none(),
        empty_label=None,
    )
    file = forms.FileField(
        label=gettext_lazy("Fil"),
        help_text=gettext_lazy(
            "CSV sparad som UTF-8, eller Excel (.xlsx), högst 20 MB. En rad per deltagande, "
            "rubriker på första raden."
        ),
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": gettext_lazy("Välj en fil att ladda upp."),
            "empty": gettext_lazy("Filen är tom."),
        },
    )

    def __init__(
        self, *args: Any, user: User, associations: list[Association], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        field = self.fields["association"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = Association.objects.filter(pk__in=[a.pk for a in associations])

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        kind = reading.extension(upload.name)
        if not kind:
            raise forms.ValidationError(_("Filen ska vara en .csv- eller .xlsx-fil."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("Filen är större än 20 MB. Dela upp den i flera filer."))
        content = upload.read()
        if kind == ".xlsx" and not content.startswith(XLSX_MAGIC):
            raise forms.ValidationError(_("Filen är ingen Excel-fil (.xlsx)."))
        if kind == ".csv":
            try:
                reading.decode_csv(content)
            except reading.UnreadableFile as error:
                raise forms.ValidationError(str(error)) from None
        self.cleaned_data["content"] = content
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        association = cleaned.get("association")
        content = cleaned.get("content")
        if association is None or self.user.organisation_id is None:
            return cleaned
        provides = Activity.objects.filter(
            association=association,
            provider_id=self.user.organisation_id,
            kind=Activity.Kind.INDIVIDUAL,
        ).exists()
        if not provides:
            self.add_error(
                "association",
                _(
                    "Din organisation utför ingen individinriktad insats i %(association)s, så "
                    "det finns inget att importera till."
                )
                % {"association": association},
            )
        if content is not None:
            earlier = (
                ImportJob.objects.filter(
                    organisation_id=self.user.organisation_id,
                    association=association,
                    state=ImportJob.State.DONE,
                    content_sha256=hashlib.sha256(content).hexdigest(),
                )
                .defer("content")
                .first()
            )
            if earlier is not None:
                self.add_error(
                    "file",
                    _("Den här filen importerades redan %(date)s.")
                    % {"date": timezone.localtime(earlier.created_at).date().isoformat()},
                )
        return cleaned
