"""Activities are deliberately not in Django's admin.

Every change to an activity writes an audit row, and kind and ESF co-funding are fixed once the
activity exists; the admin would bypass the first and invite attempts at the second. The
association office keeps the catalogue through its own pages (``samla.activities.views``).
"""
