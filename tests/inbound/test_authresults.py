"""Only the Authentication-Results our own MTA added are believed."""

from __future__ import annotations

from inbound.authresults import AuthResults, read_auth_results
from inbound.parse import parse_message

TRUSTED = "mx.pep.example.org.uk"


def _message(*auth_results: str) -> bytes:
    fields = "".join(f"Authentication-Results: {value}\r\n" for value in auth_results)
    return (fields + "From: jane@crown-inn.example.co.uk\r\nSubject: Re: ISA\r\n\r\nI agree\r\n").encode()


def test_trusted_header_is_read() -> None:
    # Given a message whose topmost Authentication-Results was added by our MTA (Gmail-style values)
    raw = _message(
        "mx.pep.example.org.uk;\r\n\tdkim=pass header.i=@crown-inn.example.co.uk header.s=s1 header.b=AbC1;"
        "\r\n\tspf=pass (domain of jane@crown-inn.example.co.uk designates 203.0.113.5 as permitted sender)"
        " smtp.mailfrom=jane@crown-inn.example.co.uk;\r\n\tdmarc=pass (p=REJECT sp=REJECT dis=NONE)"
        " header.from=crown-inn.example.co.uk"
    )
    # When read
    results = read_auth_results(parse_message(raw), TRUSTED)
    # Then the verdicts are ours and trusted
    assert (results.spf, results.dkim, results.dmarc, results.trusted) == ("pass", "pass", "pass", True)
    assert len(results.raw) == 1


def test_header_from_another_host_is_ignored() -> None:
    # Given only a header added by someone else, claiming everything passed
    raw = _message("mx.attacker.example; spf=pass smtp.mailfrom=x; dkim=pass; dmarc=pass")
    # When read
    results = read_auth_results(parse_message(raw), TRUSTED)
    # Then nothing is believed, but the header is kept as evidence
    assert results == AuthResults(raw=["mx.attacker.example; spf=pass smtp.mailfrom=x; dkim=pass; dmarc=pass"])


def test_only_the_topmost_header_with_our_id_counts() -> None:
    # Given our verdict on top and a forged lower header that reuses our id
    raw = _message(
        "mx.pep.example.org.uk 1; spf=fail smtp.mailfrom=police.example.uk; dkim=none; dmarc=fail (p=reject)"
        " header.from=police.example.uk",
        "mx.pep.example.org.uk; spf=pass smtp.mailfrom=police.example.uk; dkim=pass; dmarc=pass",
    )
    # When read
    results = read_auth_results(parse_message(raw), "MX.PEP.example.org.uk")
    # Then the topmost (real) verdict wins
    assert (results.spf, results.dkim, results.dmarc, results.trusted) == ("fail", "none", "fail", True)


def test_microsoft_style_properties_and_several_dkim_results() -> None:
    # Given non-standard properties and two DKIM signatures, one failing
    raw = _message(
        "mx.pep.example.org.uk; dkim=fail header.d=old.example; dkim=pass header.d=shop.example.co.uk;"
        " spf=softfail smtp.mailfrom=shop.example.co.uk; dmarc=pass action=none header.from=shop.example.co.uk;"
        " compauth=pass reason=100"
    )
    # When read
    results = read_auth_results(parse_message(raw), TRUSTED)
    # Then one passing signature is enough for DKIM
    assert (results.spf, results.dkim, results.dmarc) == ("softfail", "pass", "pass")


def test_no_trusted_host_configured_trusts_nothing() -> None:
    # Given a good header but no trusted authserv-id configured
    raw = _message("mx.pep.example.org.uk; spf=pass smtp.mailfrom=a.example")
    # When read / Then nothing is trusted
    assert read_auth_results(parse_message(raw), None).trusted is False


def test_unparseable_trusted_header_trusts_nothing() -> None:
    # Given our header mangled beyond parsing
    raw = _message("mx.pep.example.org.uk; spf=pass (unterminated comment")
    # When read
    results = read_auth_results(parse_message(raw), TRUSTED)
    # Then it is not believed, and no exception escapes
    assert (results.trusted, results.spf) == (False, None)
