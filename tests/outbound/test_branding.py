"""Branding refuses values that could break a message's HTML or addresses."""

from __future__ import annotations

import pytest

from outbound.branding import Branding, BrandingError


def test_defaults_are_usable() -> None:
    # Given no settings
    # When branding is made
    branding = Branding()
    # Then it has a name, colours and the default domain
    assert branding.force_name and branding.primary_colour.startswith("#")
    assert branding.address("help") == "help@pep.localhost"


@pytest.mark.parametrize(
    "settings",
    [
        {"primary_colour": "red; background:url(x)"},
        {"accent_colour": '#fff" onload="x'},
        {"domain": "pep.example\r\nBcc: x"},
        {"domain": "-bad-.example"},
        {"force_name": "  "},
        {"force_name": "Sussex\nPolice"},
        {"font_family": "Arial; } body { display:none"},
    ],
)
def test_unsafe_settings_are_refused(settings: dict[str, str]) -> None:
    # Given a setting that could escape its place in CSS, HTML or a header
    # When branding is made
    # Then a BrandingError names the setting
    with pytest.raises(BrandingError, match=next(iter(settings))):
        Branding(**settings)
