"""Turn a delivery's attachment references into files: no bytes are copied into delivery rows."""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from engine.models import IsaVersion, StoredFile
from outbound.compose import InlineImage, OutAttachment


def resolve_attachments(session: Session, refs: list[dict[str, Any]]) -> list[OutAttachment]:
    """Each reference names one thing PEP holds: an ISA version's text or a stored file."""
    files = []
    for ref in refs:
        if "isa_version" in ref:
            version = session.get(IsaVersion, ref["isa_version"])
            if version is not None:
                files.append(OutAttachment(filename=f"information-sharing-agreement-v{version.version}.txt",
                                           content_type="text/plain", charset="utf-8",
                                           content=version.text.encode("utf-8")))
        elif "stored_file" in ref and not ref.get("inline"):
            stored = session.get(StoredFile, ref["stored_file"])
            if stored is not None and stored.data is not None:
                files.append(OutAttachment(filename=stored.filename, content_type=stored.content_type,
                                           content=stored.data))
    return files


def resolve_inline_images(session: Session, refs: list[dict[str, Any]]) -> list[InlineImage]:
    """Stored images a reference marks `inline` (its value is the cid the HTML shows them by)."""
    images = []
    for ref in refs:
        if "stored_file" in ref and ref.get("inline"):
            stored = session.get(StoredFile, ref["stored_file"])
            if stored is not None and stored.data is not None:
                images.append(InlineImage(cid=ref["inline"], content=stored.data, content_type=stored.content_type,
                                          alt_text=stored.filename, filename=stored.filename))
    return images
