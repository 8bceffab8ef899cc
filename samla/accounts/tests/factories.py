"""Factories for organisations, associations and users, for any app's tests.

    admin = UserFactory.create(organisation=tyreso, roles=[(Role.ORG_ADMIN, None)])
    kim = UserFactory.create(organisation=tyreso, roles=[(Role.COORDINATOR, association)])

(``.create()`` rather than calling the factory, so that mypy knows it is a ``User``.)

Every user's password is ``PASSWORD``. Organisation numbers are made up, numbered from
559 000-0000 with a valid check digit; one may happen to match a real company's, which does not
matter in a test database.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

import factory
from django_otp.plugins.otp_totp.models import TOTPDevice
from stdnum import luhn

from samla.accounts.models import Role, RoleAssignment, User
from samla.organisations.models import Association, AssociationMember, Municipality, Organisation

PASSWORD = "rätt-häst-batteri-häfta"


def organisation_number(n: int) -> str:
    digits = f"55{900000 + n:07d}"[-9:]
    return f"{digits[:6]}-{digits[6:]}{luhn.calc_check_digit(digits)}"


def _add_members(
    association: Association, create: bool, extracted: Iterable[Organisation] | None, **_: Any
) -> None:
    if not create or not extracted:
        return
    for organisation in extracted:
        AssociationMember.objects.create(
            association=association, organisation=organisation, financing_share=Decimal(0)
        )


def _add_roles(
    user: User, create: bool, extracted: Iterable[tuple[Role, Association | None]] | None, **_: Any
) -> None:
    if not create or not extracted:
        return
    for role, association in extracted:
        RoleAssignment.objects.create(user=user, role=role, association=association)


def _add_second_factor(user: User, create: bool, extracted: bool | None, **_: Any) -> None:
    if create and extracted:
        TOTPDevice.objects.create(user=user, name="Test", confirmed=True)


class MunicipalityFactory(factory.django.DjangoModelFactory[Municipality]):
    class Meta:
        model = Municipality
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"{9000 + n % 1000:04d}")
    name = factory.Sequence(lambda n: f"Kommun {n}")


class OrganisationFactory(factory.django.DjangoModelFactory[Organisation]):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.SOCIAL_INSURANCE
    organisation_number = factory.Sequence(organisation_number)


class AssociationFactory(factory.django.DjangoModelFactory[Association]):
    """An association with its own organisation. ``members=[org, ...]`` adds member parties."""

    class Meta:
        model = Association
        skip_postgeneration_save = True

    organisation = factory.SubFactory(
        OrganisationFactory,
        kind=Organisation.Kind.ASSOCIATION,
        name=factory.Sequence(lambda n: f"Samordningsförbundet {n}"),
    )
    short_name = factory.Sequence(lambda n: f"Förbund {n}")

    members = factory.PostGeneration(_add_members)


class UserFactory(factory.django.DjangoModelFactory[User]):
    """A user with ``PASSWORD``. ``roles=[(Role.COORDINATOR, association), (Role.ORG_ADMIN,
    None)]`` gives roles; ``second_factor=True`` a confirmed TOTP device."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"anvandare{n}")
    first_name = factory.Sequence(lambda n: f"Förnamn{n}")
    last_name = "Testsson"
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.se")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.django.Password(PASSWORD)

    roles = factory.PostGeneration(_add_roles)
    second_factor = factory.PostGeneration(_add_second_factor)
