"""The accounts cast: Tyresö kommun, its administrator Ada, coordinator Kim, and Försäkringskassan
next door with its own administrator Frans. All in the association Östra Södertörn."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from samla.accounts.models import Role, User
from samla.accounts.tests.factories import (
    AssociationFactory,
    MunicipalityFactory,
    OrganisationFactory,
    UserFactory,
)
from samla.audit.tests.plugin import _audit_log_flushable  # noqa: F401
from samla.organisations.models import Association, Organisation


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings) -> None:
    """PBKDF2's million rounds take a noticeable time per login; these tests do hundreds."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Cast:
    association: Association
    tyreso: Organisation
    fk: Organisation
    ada: User  # organisation administrator at Tyresö
    kim: User  # coordinator at Tyresö
    frans: User  # organisation administrator at Försäkringskassan


@pytest.fixture
def cast(db: None) -> Cast:
    tyreso = OrganisationFactory.create(
        name="Tyresö kommun",
        kind=Organisation.Kind.MUNICIPALITY,
        municipality=MunicipalityFactory.create(code="0138", name="Tyresö"),
    )
    fk = OrganisationFactory.create(name="Försäkringskassan")
    association = AssociationFactory.create(short_name="Östra Södertörn", members=[tyreso, fk])
    return Cast(
        association=association,
        tyreso=tyreso,
        fk=fk,
        ada=UserFactory.create(
            username="ada",
            first_name="Ada",
            last_name="Admin",
            organisation=tyreso,
            roles=[(Role.ORG_ADMIN, None)],
            second_factor=True,
        ),
        kim=UserFactory.create(
            username="kim",
            first_name="Kim",
            last_name="Koordinator",
            organisation=tyreso,
            roles=[(Role.COORDINATOR, association)],
            second_factor=True,
        ),
        frans=UserFactory.create(
            username="frans",
            first_name="Frans",
            last_name="Fk",
            organisation=fk,
            roles=[(Role.ORG_ADMIN, None)],
            second_factor=True,
        ),
    )
