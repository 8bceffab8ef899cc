"""Surveys are deliberately not in Django's admin.

A published version's wording is fixed and every change is audited; the admin would bypass the
audit and invite edits to answers, which nobody may change. The association office keeps its
questionnaires through its own pages (``samla.surveys.views``).
"""
