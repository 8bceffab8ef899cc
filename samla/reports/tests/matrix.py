"""Route parameters for the permission matrix (samla/web/tests/test_permission_matrix.py).

The association's reports (namespace ``reports``) are association-scoped: the matrix checks that
nobody from another association reaches Norrbygden's report, its PDF, its list or its follow-up,
and that Norrbygden's own office does.

The ESF participant file (namespace ``esf``) is person data, so the matrix walks it with every
route about Pia: Tyresö kommun runs an ESF project Pia takes part in, and Kim, who works there,
is its ESF reporter for this walk. So Kim reaches the file's page and everyone else in the cast
gets 404: Tove, a coordinator at the same kommun without the role; Fia, although Pia's consent
names her organisation (``OWNED_BY_KIM``); the office and the board, who never see person data
(R1). samla/reports/tests/test_esf.py checks the provider's other staff and the lines and log.
"""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from samla.accounts.models import Role, RoleAssignment
from samla.activities.tests.builders import Elsewhere, individual
from samla.people.tests.cast import Cast
from samla.reports.models import AnnualReport

READABLE_WITH_CONSENT: set[str] = set()
OWNED_BY_KIM = {"esf:activity"}


def parameters(cast: Cast) -> dict[str, int | str]:
    project = individual(
        cast,
        name="Tyresö ESF-projekt",
        esf_cofunded=True,
        provider=cast.tyreso,
        starts_on=date(2024, 1, 1),
    )
    RoleAssignment.objects.create(
        user=cast.kim, role=Role.ESF_REPORTER, association=cast.association
    )
    return {"esf_activity_pk": project.pk}


def association_parameters(elsewhere: Elsewhere) -> dict[str, int | str]:
    report = AnnualReport.objects.create(
        association=elsewhere.association,
        year=2025,
        requested_by=elsewhere.greta,
        state=AnnualReport.State.DONE,
        progress=100,
        pdf=b"%PDF-1.7 Norrbygden",
        pdf_size=19,
        finished_at=timezone.now(),
    )
    return {"association_pk": elsewhere.association.pk, "report_pk": report.pk}
