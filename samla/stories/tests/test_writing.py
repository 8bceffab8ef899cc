"""Writing the story through its page: bad input refused in Swedish, and no lost updates."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.test import Client

from samla.audit.models import AuditEvent
from samla.people.actions import add_team_member
from samla.people.tests.cast import Cast, sign_in
from samla.stories.models import SectionContent, StoryVersion
from samla.stories.rebase import rebase
from samla.stories.tests.pias_story import HEALTH, LIFE, SECRET, WORK, Kind, write_pias_story

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse

EDIT = "/deltagare/{pk}/berattelse/skriv/"


def post(client: Client, cast: Cast, **fields: str) -> _MonkeyPatchedWSGIResponse:
    data = {
        "written": "with_person",
        "base_version": "0",
        "life_situation": LIFE,
        "life_situation_category": "life_situation",
        "what_matters_category": "life_situation",
        "needs_category": "health",
        "strengths_category": "work_studies",
    }
    data.update(fields)
    return client.post(EDIT.format(pk=cast.pia.pk), data)


def test_the_coordinator_writes_the_first_version_with_a_category_per_section(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.kim)
    form = client.get(EDIT.format(pk=cast.pia.pk)).content.decode()
    assert "Vad är viktigt för dig?" in form
    assert "Vem får läsa det? ”Det här behöver jag hjälp med” räknas som" in form
    response = post(client, cast, needs=HEALTH, not_shared=SECRET, written="by_person")
    assert response.status_code == 302
    assert response["Location"] == f"/deltagare/{cast.pia.pk}/berattelse/"
    version = StoryVersion.objects.get()
    assert (version.number, version.author, version.written) == (1, cast.kim, "by_person")
    assert version.contents() == {
        Kind.LIFE_SITUATION: SectionContent(LIFE, "life_situation"),
        Kind.NEEDS: SectionContent(HEALTH, "health"),
        Kind.NOT_SHARED: SectionContent(SECRET, ""),
    }
    assert (
        "Berättelsen är sparad som version 1." in client.get(response["Location"]).content.decode()
    )


def test_the_form_starts_from_the_latest_version(cast: Cast, client: Client) -> None:
    write_pias_story(cast)
    sign_in(client, cast.kim)
    form = client.get(EDIT.format(pk=cast.pia.pk)).content.decode()
    assert WORK in form
    assert 'name="base_version" value="2"' in form
    assert '<option value="health" selected>' in form


def test_a_handler_from_another_organisation_cannot_write(cast: Cast, client: Client) -> None:
    sign_in(client, cast.fia)
    assert client.get(EDIT.format(pk=cast.pia.pk)).status_code == 403
    assert post(client, cast).status_code == 403
    assert not StoryVersion.objects.exists()


def test_oversized_text_is_refused_in_swedish_and_nothing_is_saved(
    cast: Cast, client: Client
) -> None:
    sign_in(client, cast.kim)
    response = post(client, cast, strengths="A" * 5001)
    assert response.status_code == 422
    body = response.content.decode()
    assert "Något behöver rättas innan det kan sparas" in body
    assert "har som mest 5000 tecken (den har 5001)" in body
    assert not StoryVersion.objects.exists()


def test_an_empty_story_or_an_unknown_category_is_refused(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    response = post(client, cast, life_situation="   ")
    assert response.status_code == 422
    assert "Skriv minst ett avsnitt innan du sparar." in response.content.decode()
    response = post(client, cast, life_situation_category="everything")
    assert response.status_code == 422
    assert "Välj ett giltigt alternativ" in response.content.decode()
    assert not StoryVersion.objects.exists()


def test_saving_an_unchanged_story_makes_no_new_version(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    assert post(client, cast).status_code == 302
    response = post(client, cast, base_version="1")
    assert response.status_code == 422
    assert "Inget är ändrat sedan version 1." in response.content.decode()
    assert StoryVersion.objects.count() == 1


def test_markup_in_the_story_is_shown_as_text(cast: Cast, client: Client) -> None:
    sign_in(client, cast.kim)
    post(client, cast, life_situation="<script>alert(1)</script>\n<b>fet</b>")
    body = client.get(f"/deltagare/{cast.pia.pk}/berattelse/").content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>&lt;b&gt;fet&lt;/b&gt;" in body


def test_a_stale_save_is_refused_with_both_texts_and_the_first_save_kept(
    cast: Cast, client: Client
) -> None:
    """Kim and Tove both open the story at version 0; Kim saves first."""
    add_team_member(cast.pia, actor=cast.kim, user=cast.tove)
    tove = Client()
    sign_in(tove, cast.tove)
    sign_in(client, cast.kim)
    kims = "Jag bor i Tyresö med min dotter."
    toves = "Jag bor i en etta i Tyresö, dottern bor hos sin pappa."

    assert post(client, cast, life_situation=kims).status_code == 302
    response = post(tove, cast, life_situation=toves, strengths=WORK)

    assert response.status_code == 409
    body = response.content.decode()
    assert "Någon annan sparade berättelsen medan du skrev." in body
    assert "Det här ändrade Kim Koordinator i version 1" in body
    assert "Sparat nu" in body and "Ditt förslag" in body
    assert kims in body and toves in body
    assert "Formuläret har kvar din text." in body
    assert 'name="base_version" value="1"' in body
    [version] = StoryVersion.objects.all()
    assert version.contents()[Kind.LIFE_SITUATION].text == kims
    assert version.author == cast.kim

    # Saving again, having seen Kim's text, is Tove's deliberate choice.
    response = post(tove, cast, base_version="1", life_situation=toves, strengths=WORK)
    assert response.status_code == 302
    latest = StoryVersion.objects.get(number=2)
    assert (latest.author, latest.contents()[Kind.LIFE_SITUATION].text) == (cast.tove, toves)


def test_a_stale_save_takes_the_other_persons_change_where_the_writer_changed_nothing(
    cast: Cast, client: Client
) -> None:
    write_pias_story(cast)
    add_team_member(cast.pia, actor=cast.kim, user=cast.tove)
    sign_in(client, cast.kim)
    tove = sign_in(Client(), cast.tove)
    base = {
        "base_version": "2",
        "needs": HEALTH,
        "strengths": WORK,
        "not_shared": SECRET,
    }
    kims_life = "Jag har flyttat till Bollmora."
    assert post(client, cast, **base, life_situation=kims_life).status_code == 302
    toves_strengths = "Jag är bra på hästar och på att laga mat."
    response = post(tove, cast, **base | {"strengths": toves_strengths})

    assert response.status_code == 409
    body = response.content.decode()
    # Tove never touched the life situation: her form now holds Kim's saved text ...
    assert "Du hade inte ändrat det här avsnittet, så formuläret har nu den sparade texten." in body
    assert f"{kims_life}</textarea>" in body
    # ... and keeps her own strengths, which Kim did not change, without listing them.
    assert f"{toves_strengths}</textarea>" in body
    assert body.count("Ditt förslag") == 1
    assert StoryVersion.objects.count() == 3


def test_the_refused_save_writes_no_version_and_no_save_audit_row(
    cast: Cast, client: Client
) -> None:
    write_pias_story(cast)
    sign_in(client, cast.kim)
    saves = AuditEvent.objects.filter(
        action=AuditEvent.Action.CREATE, object_type__startswith="stories"
    )
    before = saves.count()
    assert post(client, cast, base_version="1", life_situation="Ny text").status_code == 409
    assert saves.count() == before
    assert StoryVersion.objects.count() == 2


def content(text: str, category: str = "life_situation") -> SectionContent:
    return SectionContent(text, category)


def test_rebase_keeps_the_writers_changes_and_takes_the_others() -> None:
    base = {"life_situation": content("a"), "needs": content("b"), "strengths": content("c")}
    saved = {"life_situation": content("A"), "needs": content("b"), "strengths": content("C")}
    yours = {"life_situation": content("a"), "needs": content("B"), "strengths": content("c2")}
    merged, changes = rebase(base, saved, yours)
    assert merged == {
        "life_situation": content("A"),  # only the other person changed it
        "needs": content("B"),  # only the writer changed it
        "strengths": content("c2"),  # both did: the writer's text, listed
    }
    assert [(c.kind, c.kept_yours) for c in changes] == [
        (Kind.LIFE_SITUATION, False),
        (Kind.STRENGTHS, True),
    ]


def test_rebase_counts_a_new_category_or_an_emptied_section_as_a_change() -> None:
    base = {"needs": content("b", "work_studies"), "strengths": content("c")}
    saved = {"needs": content("b", "health")}
    yours = {"needs": content("b", "work_studies"), "strengths": content("c")}
    merged, changes = rebase(base, saved, yours)
    assert merged == {"needs": content("b", "health")}
    assert [(c.kind, c.saved, c.kept_yours) for c in changes] == [
        (Kind.NEEDS, content("b", "health"), False),
        (Kind.STRENGTHS, None, False),
    ]
