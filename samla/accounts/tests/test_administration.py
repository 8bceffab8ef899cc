"""An organisation administrator manages their own organisation's users, and nobody else's."""

from __future__ import annotations

from datetime import date

import pytest
from axes.models import AccessAttempt
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts import actions
from samla.accounts.actions import ActionRefused
from samla.accounts.models import OneTimeLink, Role, RoleAssignment, User
from samla.accounts.tests.conftest import Cast
from samla.accounts.tests.factories import PASSWORD, AssociationFactory, UserFactory
from samla.accounts.tests.signin import sign_in
from samla.audit.models import AuditEvent
from samla.idnumbers import test_personnummer

USERS = "/konto/anvandare/"
NEW = "/konto/anvandare/ny/"
STRONG = "Ett-långt-lösen-för-Tyresö-2026"

pytestmark = pytest.mark.django_db


def edit_url(user: User) -> str:
    return f"/konto/anvandare/{user.pk}/"


def new_user_data(cast: Cast, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "username": "vera",
        "first_name": "Vera",
        "last_name": "Vägledare",
        "email": "vera@tyreso.example",
        "title": "Socialsekreterare",
        "phone": "08-578 291 00",
        "roles": [f"{cast.association.pk}:case_handler"],
    }
    data.update(changes)
    return data


def edit_data(client: Client, user: User, **changes: object) -> dict[str, object]:
    """What the edit form would post back unchanged, with ``changes`` applied."""
    form = client.get(edit_url(user)).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


# Who may come in ----------------------------------------------------------------------------

ADMIN_PAGES = [
    ("get", lambda cast: USERS),
    ("get", lambda cast: NEW),
    ("get", lambda cast: edit_url(cast.kim)),
    ("get", lambda cast: "/konto/organisation/"),
    ("post", lambda cast: edit_url(cast.kim)),
    ("post", lambda cast: edit_url(cast.kim) + "inaktivera/"),
    ("post", lambda cast: edit_url(cast.kim) + "aktivera/"),
    ("post", lambda cast: edit_url(cast.kim) + "las-upp/"),
    ("post", lambda cast: edit_url(cast.kim) + "aterstall-tvastegsverifiering/"),
]


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_the_admin_pages_do_not_exist_for_a_coordinator(
    client: Client, cast: Cast, method: str, url
) -> None:
    sign_in(client, cast.kim)

    response = getattr(client, method)(url(cast))

    assert response.status_code == 404
    assert TOTPDevice.objects.filter(user=cast.kim).exists()
    assert User.objects.get(pk=cast.kim.pk).is_active


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_another_organisations_admin_gets_not_found_for_our_users(
    client: Client, cast: Cast, method: str, url
) -> None:
    sign_in(client, cast.frans)

    response = getattr(client, method)(url(cast))

    if "anvandare/" in url(cast) and url(cast) not in (USERS, NEW):
        assert response.status_code == 404
        assert TOTPDevice.objects.filter(user=cast.kim).exists()
        assert User.objects.get(pk=cast.kim.pk).is_active
    else:
        assert response.status_code == 200  # their own list, form and organisation


@pytest.mark.parametrize(("method", "url"), ADMIN_PAGES)
def test_the_admin_reaches_every_page_for_their_own_users(
    client: Client, cast: Cast, method: str, url
) -> None:
    sign_in(client, cast.ada)

    response = getattr(client, method)(url(cast))

    assert response.status_code in (200, 302, 422)


def test_a_superuser_is_out_of_the_org_admins_reach(client: Client, cast: Cast) -> None:
    root = UserFactory.create(username="root", organisation=cast.tyreso, is_superuser=True)
    sign_in(client, cast.ada)

    assert client.post(edit_url(root) + "inaktivera/").status_code == 404
    assert "root" not in client.get(USERS).content.decode()
    assert User.objects.get(pk=root.pk).is_active


def lock_out(user: User, failures: int = 5) -> None:
    """What django-axes holds after ``failures`` wrong passwords for the name from one client."""
    AccessAttempt.objects.create(
        username=user.username,
        ip_address="203.0.113.9",
        user_agent="",
        get_data="",
        post_data="",
        http_accept="",
        path_info="/konto/logga-in/",
        failures_since_start=failures,
        attempt_time=timezone.now(),
    )


def test_the_user_list_shows_our_users_only(client: Client, cast: Cast) -> None:
    lock_out(cast.kim)
    UserFactory.create(username="vilande", organisation=cast.tyreso, is_active=False)
    sign_in(client, cast.ada)

    body = client.get(USERS).content.decode()

    assert "Kim Koordinator" in body
    assert "Koordinator, Östra Södertörn" in body
    assert "Organisationsadministratör och loggranskare" in body
    assert "Låst" in body
    assert "Inaktiverat" in body
    assert "vilande" in body
    assert "Frans" not in body


def test_the_user_list_shows_who_can_log_in_with_e_id(client: Client, cast: Cast) -> None:
    UserFactory.create(
        username="eid.anna",
        organisation=cast.tyreso,
        identity_number=test_personnummer(date(1952, 12, 5), "F").value,
    )
    UserFactory.create(username="siths.bo", organisation=cast.tyreso, hsa_id="SE2321000016-B0")
    sign_in(client, cast.ada)

    body = client.get(USERS).content.decode()
    rows = {row.split("</tr>")[0] for row in body.split("<tr>")}
    anna = next(row for row in rows if "eid.anna" in row)
    bo = next(row for row in rows if "siths.bo" in row)
    kim = next(row for row in rows if ">kim<" in row or "Kim Koordinator" in row)
    assert "e-legitimation" in anna and "SITHS-kort" not in anna
    assert "SITHS-kort" in bo and "e-legitimation" not in bo
    assert "e-legitimation" not in kim and "SITHS-kort" not in kim


def test_the_user_list_query_count_does_not_grow_with_the_users(
    client: Client, cast: Cast, django_assert_num_queries
) -> None:
    def add_users(count: int) -> None:
        for _ in range(count):
            UserFactory.create(
                organisation=cast.tyreso,
                roles=[(Role.COORDINATOR, cast.association), (Role.BOARD_MEMBER, cast.association)],
                second_factor=True,
            )

    sign_in(client, cast.ada)
    add_users(1)  # with Ada and Kim, three users
    with CaptureQueriesContext(connection) as three:
        assert client.get(USERS).status_code == 200
    add_users(27)

    with django_assert_num_queries(len(three.captured_queries)):
        response = client.get(USERS)

    assert response.context["page"].paginator.count == 30


# Creating a user ----------------------------------------------------------------------------


def test_the_admin_creates_a_user_with_roles(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    response = client.post(
        NEW,
        new_user_data(cast, roles=[f"{cast.association.pk}:case_handler", "org:org_admin"]),
        follow=True,
    )

    vera = User.objects.get(username="vera")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Användaren Vera Vägledare är skapad." in body
    assert "Länken visas bara nu." in body
    assert vera.organisation == cast.tyreso
    assert not vera.has_usable_password()  # she chooses her own through the link
    link = OneTimeLink.objects.get(user=vera)
    assert 'value="http://127.0.0.1:8000/konto/engangslank/' in body
    token = body.split("/konto/engangslank/")[1].split("/")[0]
    assert link.token_hash == OneTimeLink.hash(token) != token
    assert {(a.role, a.association_id) for a in vera.role_assignments.all()} == {
        ("case_handler", cast.association.pk),
        ("org_admin", None),
    }
    created, linked = AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).order_by("pk")
    assert (created.actor_id, created.object_id) == (cast.ada.pk, str(vera.pk))
    assert linked.summary.startswith("Engångslänk skapad, gäller till")
    assert token not in linked.summary


def test_the_form_offers_the_roles_of_our_associations_only(client: Client, cast: Cast) -> None:
    AssociationFactory.create(short_name="Västra förbundet")  # Tyresö takes no part
    sign_in(client, cast.ada)

    body = client.get(NEW).content.decode()

    assert "<legend>Östra Södertörn</legend>" in body
    assert "Västra förbundet" not in body
    assert f'value="{cast.association.pk}:coordinator"' in body
    assert f'value="{cast.association.pk}:esf_reporter"' in body
    # Person roles only for parties; the association's own office is for its own staff (R1).
    assert f'value="{cast.association.pk}:association_office"' not in body
    assert 'value="org:org_admin"' in body


def test_the_associations_own_admin_gives_office_roles_only(client: Client, cast: Cast) -> None:
    office_admin = UserFactory.create(
        organisation=cast.association.organisation, roles=[(Role.ORG_ADMIN, None)]
    )
    sign_in(client, office_admin)

    body = client.get(NEW).content.decode()

    assert f'value="{cast.association.pk}:association_office"' in body
    assert f'value="{cast.association.pk}:board_member"' in body
    assert f'value="{cast.association.pk}:coordinator"' not in body
    assert f'value="{cast.association.pk}:esf_reporter"' not in body


def test_a_role_in_a_foreign_association_is_refused(client: Client, cast: Cast) -> None:
    foreign = AssociationFactory.create(short_name="Västra förbundet")
    sign_in(client, cast.ada)

    response = client.post(NEW, new_user_data(cast, roles=[f"{foreign.pk}:coordinator"]))

    assert response.status_code == 422
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not User.objects.filter(username="vera").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"first_name": ""}, "Detta fält måste fyllas i."),
        ({"first_name": "x" * 10_000}, "som mest 150 tecken (den har 10000)"),
        ({"username": "KIM"}, "Det användarnamnet är redan upptaget."),
        ({"username": "vera hansson"}, "Fyll i ett giltigt användarnamn."),
        ({"email": "inte-en-adress"}, "Fyll i en giltig e-postadress."),
    ],
)
def test_bad_input_is_refused_in_swedish_and_nothing_is_saved(
    client: Client, cast: Cast, changes: dict[str, str], message: str
) -> None:
    sign_in(client, cast.ada)
    before = User.objects.count()

    response = client.post(NEW, new_user_data(cast, **changes))

    body = response.content.decode()
    assert response.status_code == 422
    assert message in body
    assert "error-summary" in body
    assert 'aria-invalid="true"' in body
    assert User.objects.count() == before
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CREATE).exists()


def test_html_in_names_is_shown_as_text(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)
    client.post(
        NEW, new_user_data(cast, first_name="<script>alert(1)</script>", last_name="<b>B</b>")
    )
    vera = User.objects.get(username="vera")

    for page in (USERS, edit_url(vera)):
        body = client.get(page).content.decode()
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
        assert "<script>alert(1)" not in body
        assert "<b>B</b>" not in body


# Editing a user ----------------------------------------------------------------------------


def test_the_admin_changes_details_and_roles(client: Client, cast: Cast) -> None:
    other = AssociationFactory.create(short_name="Västra förbundet")
    RoleAssignment.objects.create(user=cast.kim, role=Role.COORDINATOR, association=other)
    sign_in(client, cast.ada)

    response = client.post(
        edit_url(cast.kim),
        edit_data(
            client, cast.kim, title="Samordnare", roles=[f"{cast.association.pk}:case_handler"]
        ),
        follow=True,
    )

    assert "Ändringarna är sparade." in response.content.decode()
    cast.kim.refresh_from_db()
    assert cast.kim.title == "Samordnare"
    # The role in an association Ada does not administer is left as it was.
    assert {(a.role, a.association_id) for a in cast.kim.role_assignments.all()} == {
        ("case_handler", cast.association.pk),
        ("coordinator", other.pk),
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.object_id == str(cast.kim.pk)
    assert event.summary == "Ändrade: title, roles"


def test_a_stale_edit_is_refused(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)
    stale = edit_data(client, cast.kim, first_name="Kimberly")
    User.objects.filter(pk=cast.kim.pk).update(last_name="Karlsson")  # another admin, meanwhile

    response = client.post(edit_url(cast.kim), stale)

    assert response.status_code == 422
    assert (
        "Någon annan har ändrat användaren medan du arbetade. "
        "Ladda om sidan och gör ändringen igen."
    ) in response.content.decode()
    cast.kim.refresh_from_db()
    assert (cast.kim.first_name, cast.kim.last_name) == ("Kim", "Karlsson")


def test_a_role_change_meanwhile_also_makes_the_edit_stale(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)
    stale = edit_data(client, cast.kim, first_name="Kimberly")
    RoleAssignment.objects.filter(user=cast.kim).delete()

    response = client.post(edit_url(cast.kim), stale)

    assert response.status_code == 422
    cast.kim.refresh_from_db()
    assert cast.kim.first_name == "Kim"


def test_the_admin_cannot_drop_their_own_admin_role(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    response = client.post(edit_url(cast.ada), edit_data(client, cast.ada, roles=[]))

    assert response.status_code == 422
    assert "Du kan inte ta bort din egen roll som organisationsadministratör." in (
        response.content.decode()
    )
    assert cast.ada.role_assignments.filter(role=Role.ORG_ADMIN).exists()


# The account buttons ------------------------------------------------------------------------


def test_deactivate_and_reactivate(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    off = client.post(edit_url(cast.kim) + "inaktivera/", follow=True)
    kim_off = User.objects.get(pk=cast.kim.pk).is_active
    kim_login = Client().post("/konto/logga-in/", {"username": "kim", "password": PASSWORD})
    on = client.post(edit_url(cast.kim) + "aktivera/", follow=True)

    assert "Kim Koordinator är inaktiverad och kan inte längre logga in." in off.content.decode()
    assert kim_off is False
    assert kim_login.status_code == 422
    assert "Kim Koordinator är aktiverad igen och kan logga in." in on.content.decode()
    assert User.objects.get(pk=cast.kim.pk).is_active
    summaries = AuditEvent.objects.filter(action=AuditEvent.Action.UPDATE).values_list(
        "summary", flat=True
    )
    assert list(summaries) == ["Kontot inaktiverat", "Kontot aktiverat"]


def test_a_deactivated_users_session_ends(client: Client, cast: Cast) -> None:
    kims_client = sign_in(Client(), cast.kim)
    sign_in(client, cast.ada)

    client.post(edit_url(cast.kim) + "inaktivera/")

    assert kims_client.get("/")["Location"].startswith("/konto/logga-in/")


def test_the_admin_cannot_deactivate_themself(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    response = client.post(edit_url(cast.ada) + "inaktivera/", follow=True)

    assert "Du kan inte inaktivera ditt eget konto." in response.content.decode()
    assert User.objects.get(pk=cast.ada.pk).is_active


def test_unlock(client: Client, cast: Cast) -> None:
    lock_out(cast.kim)
    sign_in(client, cast.ada)
    page = client.get(edit_url(cast.kim)).content.decode()
    assert "Lås upp kontot" in page

    response = client.post(edit_url(cast.kim) + "las-upp/", follow=True)

    assert "Kim Koordinator är upplåst och kan logga in igen." in response.content.decode()
    assert not AccessAttempt.objects.filter(username="kim").exists()
    assert "Lås upp kontot" not in client.get(edit_url(cast.kim)).content.decode()


def test_reset_second_factor_makes_the_user_enrol_again(client: Client, cast: Cast) -> None:
    kims_client = sign_in(Client(), cast.kim)
    sign_in(client, cast.ada)

    response = client.post(edit_url(cast.kim) + "aterstall-tvastegsverifiering/", follow=True)

    assert "Tvåstegsverifieringen för Kim Koordinator är återställd." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=cast.kim).exists()
    assert kims_client.get("/")["Location"].startswith("/konto/tvastegsverifiering/aktivera/")
    assert kims_client.get("/konto/tvastegsverifiering/aktivera/").status_code == 403
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE)
    assert event.summary == "Tvåstegsverifiering återställd"


def test_the_organisation_page(client: Client, cast: Cast) -> None:
    sign_in(client, cast.ada)

    body = client.get("/konto/organisation/").content.decode()

    assert "<h1>Tyresö kommun</h1>" in body
    assert cast.tyreso.organisation_number in body
    assert "Östra Södertörn" in body
    assert "Medlem" in body


def test_a_name_taken_meanwhile_is_refused_in_words(cast: Cast) -> None:
    """The form checks that the name is free; another administrator may take it in between.
    The database's unique constraint decides, and the administrator is told, not shown a 500."""
    UserFactory.create(username="vera", organisation=cast.tyreso)

    with pytest.raises(ActionRefused, match="har just sparats för en annan användare"):
        actions.create_user(
            actor=cast.ada,
            username="vera",
            first_name="Vera",
            last_name="Vägledare",
            email="",
            title="",
            phone="",
            roles=[],
        )

    assert User.objects.filter(username="vera").count() == 1
    assert not OneTimeLink.objects.exists()
