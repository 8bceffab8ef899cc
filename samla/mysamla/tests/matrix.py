"""Min Samla's routes in the permission matrix (samla/web/tests/test_permission_matrix_persons.py).

``parameters`` builds what the person's routes point at, all Pia's; each part of Min Samla adds
the records its routes take (a consent, a suggestion, a meeting)."""

from __future__ import annotations

from samla.people.tests.cast import Cast


def parameters(cast: Cast) -> dict[str, int | str]:
    return {"consent_pk": cast.consent_fk.pk}
