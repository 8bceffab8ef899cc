"""How the log review names a person: a pseudonymous reference, such as "P-7K3F-Q9XM" (ADR 0013).

The reviewer checks what staff did, not who the person is, so the review shows each person by a
reference of the reviewing organisation's own: the same person always has the same reference in
one organisation's review and a different one in any other's. The reference is the participant's
id under a keyed permutation (a Feistel network whose round function is HMAC-SHA256, keyed from
the audit key), so it can be read back to the id, but only with the key: the review filters by a
reference and a user resolves one without Samla searching for it, and two people never share one.
Whether the user who resolves it may see the person is the access module's question, not this
module's.
"""

from __future__ import annotations

import hashlib
import hmac

from samla.audit.chain import audit_key

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
"""Crockford's base 32: no I, L, O or U, so a reference read aloud or copied by hand survives."""

_LABEL = b"samla.oversight.reference.v1"
_HALF_BITS = 20
_HALF_MASK = (1 << _HALF_BITS) - 1
_LENGTH = 2 * _HALF_BITS // 5  # eight characters of five bits
_ROUNDS = 8
_MISREAD = str.maketrans({"O": "0", "I": "1", "L": "1"})


def _organisation_key(organisation_id: int) -> bytes:
    """One key per organisation, derived from the audit key and never the audit key itself."""
    base = hmac.new(audit_key(), _LABEL, hashlib.sha256).digest()
    return hmac.new(base, str(organisation_id).encode(), hashlib.sha256).digest()


def _round(key: bytes, number: int, half: int) -> int:
    message = number.to_bytes(1, "big") + half.to_bytes(3, "big")
    return int.from_bytes(hmac.new(key, message, hashlib.sha256).digest()[:3], "big") & _HALF_MASK


def reference_for(organisation_id: int, participant_id: int) -> str:
    """The participant's reference in this organisation's log review."""
    if not 0 < participant_id < 1 << (2 * _HALF_BITS):
        raise ValueError(f"No reference for participant id {participant_id}.")
    key = _organisation_key(organisation_id)
    left, right = participant_id >> _HALF_BITS, participant_id & _HALF_MASK
    for number in range(_ROUNDS):
        left, right = right, left ^ _round(key, number, right)
    value = left << _HALF_BITS | right
    code = "".join(ALPHABET[(value >> shift) & 31] for shift in range(35, -1, -5))
    return f"P-{code[:4]}-{code[4:]}"


def normalised(text: str) -> str | None:
    """A reference as typed ("p-7k3f q9xm", "P7K3FQ9XM"), spelt as the review shows it, or None
    if it cannot be one. The P is required, so that a reference missing its last character is
    not read as another."""
    typed = "".join(ch for ch in text.upper() if ch not in "- ")
    code = typed[1:].translate(_MISREAD)
    if not typed.startswith("P") or len(code) != _LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return f"P-{code[:4]}-{code[4:]}"


def participant_id_of(organisation_id: int, reference: str) -> int | None:
    """The participant id behind a reference of this organisation's, or None if the text is no
    reference at all. A reference from another organisation's review reads back to an arbitrary
    id among a trillion, almost surely no one's, and the access module decides as for any id."""
    spelt = normalised(reference)
    if spelt is None:
        return None
    value = 0
    for ch in spelt[2:].replace("-", ""):
        value = value << 5 | ALPHABET.index(ch)
    key = _organisation_key(organisation_id)
    left, right = value >> _HALF_BITS, value & _HALF_MASK
    for number in reversed(range(_ROUNDS)):
        left, right = right ^ _round(key, number, left), left
    participant_id = left << _HALF_BITS | right
    return participant_id or None
