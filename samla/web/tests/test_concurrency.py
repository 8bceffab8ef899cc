"""samla/concurrency.py on its own: the version check, what the comparison lists and how, and the
409 page that keeps the user's input. Every app's own stale-save test uses it through its views."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from django import forms
from django.test import RequestFactory

from samla.concurrency import Change, Stale, changes, check_version, keep_input, refuse
from samla.people.models import TargetGroup
from samla.people.tests.cast import Cast


class NoteForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    text = forms.CharField(label="Text", required=False, widget=forms.Textarea)
    mode = forms.ChoiceField(label="Form", choices=[("digital", "Digitalt"), ("place", "På plats")])
    seats = forms.IntegerField(label="Platser", required=False)
    due = forms.DateField(label="Klart", required=False)
    starts_at = forms.DateTimeField(label="Börjar", required=False)
    tags = forms.MultipleChoiceField(
        label="Taggar", required=False, choices=[("a", "Alfa"), ("b", "Beta")]
    )
    comment = forms.CharField(label="Kommentar", required=False)  # the record has no such field


def saved(**overrides: object) -> SimpleNamespace:
    values: dict[str, object] = {
        "version": 4,
        "text": "Sparad text",
        "mode": "digital",
        "seats": 10,
        "due": None,
        "starts_at": None,
        "tags": ["a", "b"],
    }
    return SimpleNamespace(**(values | overrides))


def posted(**overrides: str | list[str]) -> dict[str, str | list[str]]:
    data: dict[str, str | list[str]] = {
        "version": "3",
        "text": "Sparad text",
        "mode": "digital",
        "seats": "10",
        "due": "",
        "starts_at": "",
        "tags": ["b", "a"],
        "comment": "",
    }
    return data | overrides


def valid(data: dict[str, str | list[str]]) -> NoteForm:
    form = NoteForm(data)
    assert form.is_valid(), form.errors
    return form


def test_the_same_version_passes_and_returns_the_record() -> None:
    record = saved()
    assert check_version(record, 4) is record


def test_another_version_is_refused_with_the_record_and_its_version() -> None:
    record = saved()
    with pytest.raises(Stale) as stale:
        check_version(record, 3)
    assert stale.value.current is record
    assert stale.value.version == 4


def test_a_version_kept_elsewhere_is_named() -> None:
    """A story's version is its number; a user's, a fingerprint."""
    story = SimpleNamespace(number=7)
    assert check_version(story, 7, version=story.number) is story
    with pytest.raises(Stale) as stale:
        check_version(story, 6, version=story.number)
    assert stale.value.version == 7


def test_nothing_differs_when_the_form_holds_what_is_saved() -> None:
    """Lists in another order, a blank and a None, the version and a field the record lacks are
    no change."""
    assert changes(valid(posted(comment="bara i formuläret")), saved()) == []


def test_each_difference_is_listed_as_a_person_reads_it() -> None:
    form = valid(posted(text="Min text", mode="place", seats="0", due="2026-05-04", tags=["a"]))

    assert changes(form, saved(seats=None)) == [
        Change("Text", "Sparad text", "Min text"),
        Change("Form", "Digitalt", "På plats"),
        Change("Platser", None, 0),  # nought is a value, not nothing
        Change("Klart", None, date(2026, 5, 4)),
        Change("Taggar", "Alfa, Beta", "Alfa"),
    ]


def test_a_saved_time_is_shown_in_local_time() -> None:
    form = valid(posted(starts_at="2026-05-04 09:00"))
    at = datetime(2026, 5, 4, 6, 0, tzinfo=UTC)  # 08:00 in Stockholm, summer time

    [change] = changes(form, saved(starts_at=at))

    assert change.saved.hour == 8  # type: ignore[attr-defined]
    assert change.yours.hour == 9  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_a_many_to_many_field_is_compared_by_what_it_holds(cast: Cast) -> None:
    TargetGroup.objects.create(association=cast.association, code="b", name="Långtidssjukskrivna")
    groups = list(TargetGroup.objects.filter(association=cast.association).order_by("name"))
    cast.pia.target_groups.set(groups[:2])

    class GroupsForm(forms.Form):
        target_groups = forms.ModelMultipleChoiceField(
            label="Målgrupper", queryset=TargetGroup.objects.all(), required=False
        )

    same = GroupsForm({"target_groups": [g.pk for g in reversed(groups[:2])]})
    fewer = GroupsForm({"target_groups": [groups[0].pk]})
    assert same.is_valid() and fewer.is_valid()

    assert changes(same, cast.pia) == []
    assert changes(fewer, cast.pia) == [
        Change("Målgrupper", f"{groups[0]}, {groups[1]}", str(groups[0]))
    ]


def test_the_input_is_kept_with_the_saved_version_and_the_message() -> None:
    request = RequestFactory().post("/", posted(text="Min text"))
    form = valid(request.POST)  # type: ignore[arg-type]

    keep_input(request, form, Stale(saved()), "Någon annan sparade.")

    assert form["text"].value() == "Min text"
    assert form["version"].value() == "4"
    assert form.non_field_errors() == ["Någon annan sparade."]
    assert form.cleaned_data["version"] == 4


def test_data_can_replace_part_of_the_input() -> None:
    """A story puts its rebased sections in place of what was sent."""
    request = RequestFactory().post("/", posted(text="Min text"))
    form = valid(request.POST)  # type: ignore[arg-type]

    keep_input(
        request,
        form,
        Stale(SimpleNamespace(number=9), version=9),
        "Någon annan sparade.",
        version_field="seats",
        data={"text": "Sammanfogad text"},
    )

    assert form["text"].value() == "Sammanfogad text"
    assert form["seats"].value() == "9"


def test_the_refusal_is_a_409_page_with_the_comparison() -> None:
    request = RequestFactory().post("/", posted(text="Min text"))
    form = valid(request.POST)  # type: ignore[arg-type]
    stale = Stale(saved(text="Deras text"))

    response = refuse(
        request,
        "includes/stale.html",
        {},
        form=form,
        stale=stale,
        message="Någon annan sparade.",
        changed=changes(form, stale.current),
    )

    assert response.status_code == 409
    body = response.content.decode()
    assert "Det här ändrade den andra personen" in body
    assert '<th scope="row">Text</th><td>Deras text</td><td>Min text</td>' in body
    assert form["version"].value() == "4"


def test_the_page_says_when_the_form_holds_what_is_saved() -> None:
    request = RequestFactory().post("/", posted())
    form = valid(request.POST)  # type: ignore[arg-type]

    def page(**context: object) -> str:
        response = refuse(
            request,
            "includes/stale.html",
            context,
            form=form,
            stale=Stale(saved()),
            message="Någon annan sparade.",
            changed=[],
        )
        return response.content.decode()

    assert "Uppgifterna i formuläret är desamma som de sparade." in page()
    elsewhere = page(elsewhere="/plan/1/")
    assert "men andra delar har ändrats" in elsewhere and 'href="/plan/1/"' in elsewhere


def test_without_a_comparison_nothing_is_shown() -> None:
    """Finance and measurements show what is saved in their own way."""
    request = RequestFactory().post("/", posted())
    form = valid(request.POST)  # type: ignore[arg-type]

    response = refuse(
        request, "includes/stale.html", {}, form=form, stale=Stale(saved()), message="Sparat."
    )

    assert response.status_code == 409
    assert response.content.decode().strip() == ""
