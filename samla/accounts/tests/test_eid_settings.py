"""The e-ID providers as the environment configures them (config/settings.py, ADR 0014)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import oidc_providers

CITIZEN = {
    "SAMLA_OIDC_PROVIDERS": "eid, siths",
    "SAMLA_OIDC_EID_ISSUER": "https://eid.example.se/",
    "SAMLA_OIDC_EID_CLIENT_ID": "samla",
    "SAMLA_OIDC_EID_PRIVATE_KEY_FILE": "/etc/samla/eid.jwk",
    "SAMLA_OIDC_SITHS_ISSUER": "https://idp.example.se",
    "SAMLA_OIDC_SITHS_CLIENT_ID": "samla-siths",
    "SAMLA_OIDC_SITHS_CLIENT_SECRET": "hemligt",
    "SAMLA_OIDC_SITHS_KIND": "siths",
    "SAMLA_OIDC_SITHS_LABEL": "Logga in med SITHS-kort",
}


def test_none_named_means_no_providers() -> None:
    assert oidc_providers({}) == {}


def test_two_providers_side_by_side_with_their_own_defaults() -> None:
    providers = oidc_providers(CITIZEN)

    assert list(providers) == ["eid", "siths"]
    assert providers["eid"]["issuer"] == "https://eid.example.se"
    assert providers["eid"]["min_acr"] == "http://id.elegnamnden.se/loa/1.0/loa3"
    assert providers["eid"]["private_key_file"] == "/etc/samla/eid.jwk"
    assert providers["siths"]["min_acr"] == "http://id.sambi.se/loa/loa3"
    assert providers["siths"]["label"] == "Logga in med SITHS-kort"


@pytest.mark.parametrize(
    "change",
    [
        {"SAMLA_OIDC_EID_ISSUER": ""},
        {"SAMLA_OIDC_EID_PRIVATE_KEY_FILE": ""},
        {"SAMLA_OIDC_EID_KIND": "bankid"},
        {"SAMLA_OIDC_PROVIDERS": "e id"},
    ],
)
def test_an_incomplete_provider_stops_the_start(change: dict[str, str]) -> None:
    with pytest.raises(ImproperlyConfigured):
        oidc_providers(CITIZEN | change)
