"""The story is deliberately not in Django's admin.

The admin would let a system administrator read a person's own words past
``samla.people.access``: without being on the team, without the consent check, and without an
audit row (docs/domain.md R2-R4). Nobody administers a story; its versions are never edited. The
``people`` app keeps participants out of the admin for the same reason.
"""
