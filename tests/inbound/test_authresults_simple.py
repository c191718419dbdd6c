"""The plain Authentication-Results reader agrees with authres wherever it answers, and answers for MTA shapes."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from inbound.authresults import _general_results
from inbound.authresults_simple import plain_results

METHODS = ("spf", "dkim", "dmarc", "DKIM", "Spf", "arc", "iprev", "auth", "x-custom", "none", "nonesuch", "dkim.x")
RESULTS = ("pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "PASS", "bestguesspass",
           "pass.x", "pass=x", "")
PTYPES = ("smtp", "header", "body", "policy", "HEADER", "reason", "x", "")
PROPS = ("mailfrom", "d", "i", "b", "from", "s", "auth", "dmarc.x", "")
PVALUES = ("jane@crown-inn.example.co.uk", "example.org", "@example.org", "AbC1+/=", '"quoted"', "a.b", "(c)", "",
           "x;y", "5.6.7.8")
SPACES = ("", " ", "  ", "\t", " (comment) ", "(c)")


@st.composite
def values(draw: st.DrawFn) -> str:
    value = draw(st.sampled_from(["mx.pep.example.org.uk", "mx", "MX.Pep.Example", "mx 1", "(c) mx", "mx.", ""]))
    for _ in range(draw(st.integers(0, 4))):
        value += draw(st.sampled_from(SPACES)) + ";" + draw(st.sampled_from(SPACES))
        value += draw(st.sampled_from(METHODS)) + draw(st.sampled_from(["=", " = ", "/1=", ""]))
        value += draw(st.sampled_from(RESULTS))
        for _ in range(draw(st.integers(0, 3))):
            value += draw(st.sampled_from(SPACES + (" ",) * 4))
            value += draw(st.sampled_from(PTYPES)) + "." + draw(st.sampled_from(PROPS)) + "="
            value += draw(st.sampled_from(PVALUES))
    return value + draw(st.sampled_from(["", " ", ";", " reason=x"]))


@settings(max_examples=2000, deadline=None)
@given(values())
def test_plain_reader_agrees_with_authres(value: str) -> None:
    # Given an Authentication-Results value, plain or with comments, versions, quotes, odd properties
    plain = plain_results(value)
    # Then where the plain reader answers, authres parses the value to the same (method, result) pairs
    if plain is not None:
        assert plain == _general_results(value)


def test_mta_shapes_are_read_plainly() -> None:
    # Given values as Postfix with OpenDKIM/OpenDMARC, rspamd and Exim write them
    shapes = [
        "mx.pep.example.org.uk; spf=pass smtp.mailfrom=jane@crown-inn.example.co.uk; dkim=pass header.d=example.org "
        "header.s=s1 header.b=AbC1+/z; dmarc=pass header.from=example.org",
        "mx.pep.example.org.uk;\tdkim=pass header.i=@crown-inn.example.co.uk header.s=s1 header.b=AbC1",
        "mx.pep.example.org.uk; dmarc=fail header.from=example.org",
    ]
    for value in shapes:
        # Then the plain reader answers, with what authres answers
        assert plain_results(value) is not None
        assert plain_results(value) == _general_results(value)
