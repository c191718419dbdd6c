"""PEP refuses to start serving with a template that does not compile, naming the file."""
from __future__ import annotations

from pathlib import Path

import pytest

from engine.app import build_app
from engine.clock import FixedClock
from engine.runtime import Runtime
from engine.settings import Settings
from outbound.render import TemplateError
from tests.harness.kinds import kinds_folder


def test_a_broken_template_stops_start_up(settings: Settings, clock: FixedClock, tmp_path: Path) -> None:
    # Given a templates folder where one kind uses a Jinja tag that is never closed
    folder = kinds_folder(tmp_path / "templates")
    (folder / "member.notice.txt").write_text("Subject: x\n\n{% if recipient_name %}\nno end\n")
    app = build_app(settings.with_changes(templates_dir=str(folder)), clock)
    # When PEP starts serving
    with pytest.raises(TemplateError, match="member.notice.txt"):
        Runtime(app, intake=False).start()
    # Then nothing was started
    app.close()
