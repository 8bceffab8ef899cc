"""What a view does with a form that cannot be saved: put an action's refusal on the form, and
answer 422 (Unprocessable Content) so that a test, a proxy or a screen reader's tools can tell a
refused form from a shown one."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


def add_errors(form: forms.Form, error: ValidationError) -> None:
    """An action's ``ValidationError`` on the form: each message on its field if the form has
    one, else on the form as a whole."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def status(*forms_: forms.BaseForm | forms.BaseFormSet[Any]) -> int:
    """422 if any of the forms was sent and refused, else 200."""
    return 422 if any(f.is_bound and not f.is_valid() for f in forms_) else 200
