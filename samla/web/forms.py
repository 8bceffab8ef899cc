from __future__ import annotations

from django.forms.renderers import DjangoTemplates


class SamlaFormRenderer(DjangoTemplates):
    """Every form renders with an error summary and the site's field layout."""

    form_template_name = "forms/div.html"
    field_template_name = "forms/field.html"
