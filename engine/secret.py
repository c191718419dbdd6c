"""The deployment's secret key: from settings, or generated once into var/secret.key."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from engine.settings import Settings


def load_secret(settings: Settings) -> bytes:
    """The signing key; creates var/secret.key (mode 0600) the first time when none is configured."""
    if settings.secret_key:
        return settings.secret_key.encode("utf-8")
    path = settings.var_path("secret.key")
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return Path(path).read_bytes().strip()
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key
