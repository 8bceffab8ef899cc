"""Money the Swedish way in templates: ``{{ amount|kronor }}`` (see ``samla.money``)."""

from __future__ import annotations

from django import template

from samla.money import kronor

register = template.Library()
register.filter("kronor", kronor)
