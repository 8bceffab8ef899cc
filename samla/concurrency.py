"""No lost updates: refusing a save made from a page someone else has saved over since.

A record two people edit carries a version. An action locks the row, compares the version the
user's form was loaded with (``check_version``) and raises ``Stale`` when they differ, so that
nothing is saved. The view then answers 409 Conflict with the form as the user filled it in, the
version saved now in its hidden field (so that saving once more is a deliberate choice), a message,
and what the other person saved beside the user's own values (``changes``, shown by
``templates/includes/stale.html``).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from http import HTTPStatus
from typing import Any, NamedTuple, TypeVar

from django import forms
from django.db import models
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django_stubs_ext import StrOrPromise

Record = TypeVar("Record")


class Stale(Exception):
    """Someone else saved the record after this user loaded it; nothing was saved.

    ``current`` is the record as it is saved now, ``version`` its version: what the form must
    carry for the next save to be accepted.
    """

    def __init__(self, current: Any, *, version: object = None) -> None:
        self.current = current
        self.version = current.version if version is None else version
        super().__init__(f"stale {type(current).__name__}: now version {self.version}")


def check_version(current: Record, seen: object, *, version: object = None) -> Record:
    """``current`` if ``seen`` is still its version (``current.version`` unless ``version`` is
    given), else raise ``Stale``. Call it on the row as locked for the save."""
    now = getattr(current, "version", None) if version is None else version
    if now != seen:
        raise Stale(current, version=now)
    return current


class Change(NamedTuple):
    """One field the other person saved differently from what this user proposes."""

    label: str
    saved: object
    yours: object


def changes(form: forms.BaseForm, saved: object, *, version_field: str = "version") -> list[Change]:
    """Each field of the (valid) form whose value differs from the saved record's attribute of
    the same name, as shown to a person: choice labels, lists joined, local time. Fields the
    record does not have (and the version) are left out."""
    rows = []
    for name, field in form.fields.items():
        if name == version_field or name not in form.cleaned_data or not hasattr(saved, name):
            continue
        theirs, yours = _value(getattr(saved, name)), form.cleaned_data[name]
        if _key(theirs) == _key(yours):
            continue
        rows.append(Change(str(field.label), _shown(field, theirs), _shown(field, yours)))
    return rows


def keep_input(
    request: HttpRequest,
    form: forms.BaseForm,
    stale: Stale,
    message: StrOrPromise,
    *,
    version_field: str = "version",
    data: Mapping[str, str] | None = None,
) -> None:
    """Give the form back what the user sent (with ``data`` replacing some of it), the version
    saved now and ``message`` above the fields."""
    posted = request.POST.copy()
    for name, value in (data or {}).items():
        posted[name] = value
    posted[version_field] = str(stale.version)
    form.data = posted
    form.full_clean()
    form.add_error(None, str(message))


def refuse(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    *,
    form: forms.BaseForm,
    stale: Stale,
    message: StrOrPromise,
    changed: list[Change] | None = None,
    version_field: str = "version",
    data: Mapping[str, str] | None = None,
) -> HttpResponse:
    """The 409 page: ``template`` with the user's input kept (``keep_input``) and, if given,
    ``changed`` for ``includes/stale.html``."""
    keep_input(request, form, stale, message, version_field=version_field, data=data)
    context = {**context, "form": form, "changed": changed}
    return render(request, template, context, status=HTTPStatus.CONFLICT)


def _value(value: object) -> object:
    if isinstance(value, models.Manager):  # a many-to-many field
        return list(value.all())
    return value


def _key(value: object) -> object:
    """What to compare: lists by the set of what they hold, nothing as nothing."""
    if value in (None, ""):
        return None
    if isinstance(value, list | tuple | models.QuerySet):
        # Primary keys or plain values, of whatever type the field holds; sorted() may refuse
        # a mix, hence the TypeError below.
        items: list[Any] = [getattr(item, "pk", item) for item in value]
        try:
            return sorted(items) or None
        except TypeError:
            return items or None
    return value


def _shown(field: forms.Field, value: object) -> object:
    if _key(value) is None:
        return None
    if isinstance(value, list | tuple | models.QuerySet):
        return ", ".join(str(_shown(field, item)) for item in value)
    if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField):
        return dict(field.choices).get(value, value)  # type: ignore[arg-type]
    if isinstance(value, datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value
