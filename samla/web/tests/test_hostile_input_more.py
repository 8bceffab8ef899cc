"""The other half of the routes of test_hostile_input.py, which says what is sent and why: a
module of its own so that it runs beside the first half on another worker, with its own copy of
the module's records and forms."""

from __future__ import annotations

import pytest

from samla.web.tests.routes import Route
from samla.web.tests.test_hostile_input import (  # noqa: F401 (module_forms: a fixture)
    HOSTILE_ROUTES,
    Site,
    module_forms,
    send_hostile,
)
from samla.web.tests.test_permission_matrix import params  # noqa: F401 (a fixture)
from samla.web.tests.test_permission_matrix_associations import (  # noqa: F401 (a fixture)
    module_norrbygden,
)
from samla.web.tests.test_permission_matrix_providers import module_setting  # noqa: F401

pytestmark = pytest.mark.usefixtures("db", "module_cast", "module_forms")


@pytest.mark.parametrize("route", HOSTILE_ROUTES[1::2], ids=lambda r: r.name)
def test_hostile_input_never_answers_5xx(route: Route, module_forms: Site) -> None:  # noqa: F811
    send_hostile(route, module_forms)
