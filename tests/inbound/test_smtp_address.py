"""PEP's reading of MAIL and RCPT arguments gives aiosmtpd's answer for every argument."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from aiosmtpd.smtp import SMTP

from inbound.smtp_address import PlainAddresses


class _Nothing:
    pass


GENERAL = SMTP(_Nothing())
PLAIN = PlainAddresses(_Nothing())
LIMITED_GENERAL = SMTP(_Nothing())
LIMITED_PLAIN = PlainAddresses(_Nothing())
LIMITED_GENERAL.local_part_limit = LIMITED_PLAIN.local_part_limit = 8

atoms = st.text(st.sampled_from("aZ09!#$%&'*+-/=?^_`{|}~"), min_size=1, max_size=12)
dot_atoms = st.lists(atoms, min_size=1, max_size=3).map(".".join)
parameters = st.lists(st.sampled_from(["SIZE=2000", "BODY=8BITMIME", "SMTPUTF8", "NOTIFY=NEVER", "X=(c)"]),
                      max_size=3).map(" ".join)
everyday = st.builds(lambda local, domain, spaces, params: f"<{local}@{domain}>" + (spaces + params if params else ""),
                     dot_atoms, dot_atoms, st.sampled_from([" ", "  ", "\t", " \t"]), parameters)
anything = st.text(st.sampled_from("<>@. \t\"()[]:,;\\ab1+-é=\x00"), max_size=30)


def outcome(server: SMTP, arg: str) -> object:
    try:
        return server._getaddr(arg)
    except Exception as error:  # noqa: BLE001 - the email parser fails on some inputs; so must both
        return type(error)


@settings(max_examples=800)
@given(st.one_of(everyday, anything, st.builds(lambda a, b: a + b, everyday, anything)))
def test_every_argument_reads_as_aiosmtpd_reads_it(arg: str) -> None:
    assert outcome(PLAIN, arg) == outcome(GENERAL, arg)
    assert outcome(LIMITED_PLAIN, arg) == outcome(LIMITED_GENERAL, arg)


def test_the_everyday_forms() -> None:
    for arg, expected in [("<a@b.example>", ("a@b.example", "")),
                          ("<reply+x@pep.test> SIZE=12 BODY=8BITMIME", ("reply+x@pep.test", "SIZE=12 BODY=8BITMIME")),
                          ("<>", ("<>", "")), ("<a@b.>", (None, None))]:
        assert PLAIN._getaddr(arg) == GENERAL._getaddr(arg) == expected
