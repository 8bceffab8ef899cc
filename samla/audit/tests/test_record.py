from __future__ import annotations

from datetime import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction

from samla.audit import chain
from samla.audit.middleware import _request_id
from samla.audit.models import GENESIS_HASH, AuditEvent, ChainHead
from samla.audit.record import record
from samla.audit.sealing import seal
from samla.audit.tests.conftest import StubActor

pytestmark = pytest.mark.django_db

View = AuditEvent.Action.VIEW


def test_record_signs_each_event_and_the_sealer_chains_them_from_the_genesis_hash(
    alice: StubActor, bob: StubActor
) -> None:
    first = record(actor=alice, action=View, participant_id=5, summary="Översikt")
    second = record(actor=bob, action=AuditEvent.Action.UPDATE, participant_id=5)
    third = record(actor=alice, action=AuditEvent.Action.EXPORT)
    unsealed = list(AuditEvent.objects.all())
    assert [(e.seq, e.prev_hash, e.hash) for e in unsealed] == [(None, "", "")] * 3
    for event in unsealed:
        assert event.mac == chain.compute_mac(chain.content_of(event))
    assert chain.verify_chain() == chain.ChainReport(
        ok=True, checked=0, unsealed=3, oldest_unsealed=first.created_at
    )

    assert seal().count == 3

    events = list(AuditEvent.objects.all())
    assert [e.seq for e in events] == [1, 2, 3]
    assert [e.pk for e in events] == [first.pk, second.pk, third.pk]
    assert events[0].prev_hash == GENESIS_HASH
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    for event in events:  # as read back from the database, not as held in memory
        assert event.hash == chain.compute_hash(event.prev_hash, chain.content_of(event))
    head = ChainHead.objects.get()
    assert (head.last_seq, head.last_hash) == (3, events[2].hash)
    assert chain.verify_chain() == chain.ChainReport(ok=True, checked=3)
    assert seal().count == 0  # nothing twice


def test_record_snapshots_who_did_what_to_which_object(alice: StubActor) -> None:
    obj = ContentType.objects.get_for_model(AuditEvent)

    event = record(
        actor=alice,
        action=View,
        obj=obj,
        participant_id=42,
        consent_id=7,
        role="coordinator",
        flagged=True,
        summary="Samtycke",
    )

    event.refresh_from_db()
    assert event.actor_id == alice.pk
    assert event.actor_name == "Alice Andersson"
    assert event.organisation_id == alice.organisation_id
    assert event.object_type == "contenttypes.contenttype"
    assert event.object_id == str(obj.pk)
    assert (event.participant_id, event.consent_id) == (42, 7)
    assert (event.role, event.flagged, event.summary) == ("coordinator", True, "Samtycke")
    assert event.action == "view"
    assert event.request_id == ""  # outside a request
    assert isinstance(event.created_at, datetime)
    assert event.created_at.tzinfo is not None


def test_a_failed_login_has_no_actor_but_the_name_that_was_tried() -> None:
    event = record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, actor_name="alice@nora.se")

    assert (event.actor_id, event.organisation_id) == (None, None)
    assert event.actor_name == "alice@nora.se"
    assert event.get_action_display() == "Misslyckad inloggning"


def test_a_user_without_a_full_name_is_logged_under_the_given_name() -> None:
    nameless = StubActor(pk=3, organisation_id=1, name="")

    event = record(actor=nameless, action=AuditEvent.Action.LOGIN, actor_name="nameless")

    assert event.actor_name == "nameless"


def test_long_human_text_is_cut_to_fit_and_still_chained(alice: StubActor) -> None:
    event = record(actor=alice, action=View, summary="x" * 300, role="r" * 150)

    event.refresh_from_db()
    assert len(event.summary) == 255
    assert event.summary.endswith("…")
    assert len(event.role) == 100
    assert chain.verify_chain().ok


def test_an_unsaved_object_is_refused_so_deletions_are_logged_before_deleting(
    alice: StubActor,
) -> None:
    with pytest.raises(ValueError, match="log a deletion before deleting"):
        record(actor=alice, action=AuditEvent.Action.DELETE, obj=ContentType())

    assert not AuditEvent.objects.exists()


def test_the_event_rolls_back_with_the_callers_transaction(alice: StubActor) -> None:
    record(actor=alice, action=View)

    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=alice, action=View, summary="läst men sedan återställt")
        raise RuntimeError("the read failed after it was logged")

    assert AuditEvent.objects.count() == 1
    record(actor=alice, action=View)
    assert seal().count == 2
    assert ChainHead.objects.get().last_seq == 2
    assert chain.verify_chain().ok


def test_a_missing_head_is_created_for_an_empty_log(alice: StubActor) -> None:
    ChainHead.objects.all().delete()  # as after a database flush
    record(actor=alice, action=View)

    assert seal().count == 1
    assert ChainHead.objects.get().last_seq == 1


def test_a_missing_head_never_starts_a_second_chain(alice: StubActor) -> None:
    record(actor=alice, action=View)
    seal()
    ChainHead.objects.all().delete()
    later = record(actor=alice, action=View)

    with pytest.raises(IntegrityError):
        seal()

    assert AuditEvent.objects.get(pk=later.pk).seq is None
    assert AuditEvent.objects.filter(seq=1).count() == 1


def test_a_change_carries_the_basis_the_read_found_in_the_same_request(
    alice: StubActor, bob: StubActor
) -> None:
    """The access function names the consent on the read; the action's row for the change that
    follows in the same request names none and gets the same, for that user and person only."""
    token = _request_id.set("request-one")
    try:
        record(actor=alice, action=View, participant_id=5, consent_id=7, role="case_handler")
        change = record(actor=alice, action=AuditEvent.Action.UPDATE, participant_id=5)
        other_person = record(actor=alice, action=AuditEvent.Action.UPDATE, participant_id=6)
        other_user = record(actor=bob, action=AuditEvent.Action.UPDATE, participant_id=5)
        _request_id.set("request-two")
        next_request = record(actor=alice, action=AuditEvent.Action.UPDATE, participant_id=5)
    finally:
        _request_id.reset(token)
    outside = record(actor=alice, action=AuditEvent.Action.UPDATE, participant_id=5)

    assert (change.consent_id, change.role) == (7, "case_handler")
    for event in (other_person, other_user, next_request, outside):
        assert (event.consent_id, event.role) == (None, "")
    assert chain.verify_chain().ok


def test_a_referral_is_chained_when_given_and_old_rows_without_it_still_verify(
    alice: StubActor,
) -> None:
    before = record(actor=alice, action=View, participant_id=5)
    provider = record(actor=alice, action=View, participant_id=5, referral_id=3, role="provider")
    provider.refresh_from_db()
    assert provider.referral_id == 3
    assert '"referral_id"' not in chain.canonical_json(chain.content_of(before)).decode()
    assert '"referral_id":3' in chain.canonical_json(chain.content_of(provider)).decode()
    assert chain.verify_chain().ok
