"""Signing a test client in, and the codes an authenticator app would show."""

from __future__ import annotations

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from samla.accounts.models import User


def sign_in(client: Client, person: User) -> Client:
    """Log the client in as someone who has passed both factors."""
    device = TOTPDevice.objects.filter(user=person, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=person, name="Test", confirmed=True)
    client.force_login(person)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def current_code(device: TOTPDevice) -> str:
    """The code the user's app shows right now."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device: TOTPDevice) -> str:
    return f"{(int(current_code(device)) + 500_000) % 1_000_000:06d}"
