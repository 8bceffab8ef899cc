"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

An import job is Kim's own, not Pia's: Kim uploaded it, and its report may quote what his file
held. So nobody else opens it, not a colleague at Tyresö kommun (Tove), not a handler whose
consent names Pia (Fia), not the association office: they all get 404 (``OWNED_BY_KIM``).
"""

from __future__ import annotations

from samla.imports.models import ImportJob
from samla.people.tests.cast import Cast

READABLE_WITH_CONSENT: set[str] = set()
OWNED_BY_KIM = {"imports:job", "imports:report"}


def parameters(cast: Cast) -> dict[str, int | str]:
    job = ImportJob.objects.create(
        created_by=cast.kim,
        organisation=cast.tyreso,
        association=cast.association,
        file_name="historik.csv",
        content=b"",
        content_sha256="0" * 64,
        state=ImportJob.State.FAILED,
        errors=[{"row": 2, "column": "startdatum", "message": "saknas."}],
        error_count=1,
    )
    return {"job_pk": job.pk}
