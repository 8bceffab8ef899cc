"""Form fields for numbers the database keeps: ids picked in a form, whole numbers (counts,
places) saved in an integer column, and days counted from.

Django's own fields pass a number of 26 digits on to the database, which cannot hold it: SQLite
raises ``OverflowError`` in the query and PostgreSQL a ``DataError``, so a person who types one, or
an attacker who posts one, gets a server error (issue 15). These refuse it as a form error
instead, in Django's Swedish words, before any query: an id beyond the largest id is not one of
the choices, and a number beyond the largest integer column is too large. A day in year 9999 is
valid to Django but has no next day (``OverflowError``), so a day that is counted from is kept
within ``EARLIEST_DAY`` and ``LATEST_DAY``.
"""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

# The largest id (BigAutoField, PostgreSQL's bigint; SQLite's integers are as wide).
LARGEST_ID = 2**63 - 1
# The largest value of an integer column on PostgreSQL (counts, places, years).
LARGEST_INTEGER = 2**31 - 1

# The days Samla counts from: older than anyone it serves, later than any plan it keeps.
EARLIEST_DAY = date(1900, 1, 1)
LATEST_DAY = date(2199, 12, 31)

_M = TypeVar("_M", bound=models.Model)


def _beyond_ids(value: object) -> bool:
    """Whether ``value`` reads as a whole number no id can be. Text that is no number (or has more
    digits than Python reads) is left to Django, which calls it an invalid id."""
    try:
        number = int(str(value).strip())
    except ValueError:
        return False
    return not -LARGEST_ID - 1 <= number <= LARGEST_ID


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField[_M]):
    """Django's, but an id beyond ``LARGEST_ID`` is not one of the choices. Django looks each id
    up on its own (safe: an exact lookup beyond the range finds nothing) and then all of them
    with ``__in``, which hands the number to the database as it is."""

    def clean(self, value: Any) -> Any:
        if self.to_field_name is None and isinstance(value, list | tuple):
            for given in value:
                if _beyond_ids(given):
                    raise ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": given},
                    )
        return super().clean(value)


class IntegerField(forms.IntegerField):
    """Django's, bounded by the integer column the number is saved in (``LARGEST_INTEGER``, on
    both sides) unless the form gives narrower bounds."""

    def __init__(
        self,
        *,
        max_value: int = LARGEST_INTEGER,
        min_value: int = -LARGEST_INTEGER - 1,
        **kwargs: Any,
    ) -> None:
        super().__init__(max_value=max_value, min_value=min_value, **kwargs)


class DateField(forms.DateField):
    """Django's, from ``EARLIEST_DAY`` to ``LATEST_DAY``, so that the days around it exist."""

    default_validators = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]
