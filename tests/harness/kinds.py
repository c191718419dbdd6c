"""A templates folder holding PEP's templates plus the test-only bulk kind `member.notice`."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EXTRA_KINDS = ROOT / "tests" / "fixtures" / "kinds"


def kinds_folder(target: Path) -> Path:
    """Copy templates/ to `target` and add the extra kinds; returns `target`."""
    shutil.copytree(ROOT / "templates", target, dirs_exist_ok=True)
    for path in EXTRA_KINDS.glob("member.*"):
        shutil.copy(path, target / path.name)
    return target


def notice_values(body_paragraphs: int = 3) -> dict[str, object]:
    """Shared values of a `member.notice` broadcast (no personal data)."""
    paragraph = ("Shop staff on Western Road report a man taking razor blades and spirits from open shelves "
                 "between 2pm and 5pm. He leaves quickly towards the seafront. Please keep high-value stock "
                 "behind the counter and call 999 if he is in your premises now.")
    return {"title": "Thefts from shops on Western Road", "partnership_name": "Brighton Shopwatch",
            "body": "\n\n".join(f"{i + 1}. {paragraph}" for i in range(body_paragraphs)),
            "expires": "2026-12-25"}
