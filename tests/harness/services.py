"""Find the real services tests need; skip without them locally, fail without them in CI."""
from __future__ import annotations

import os
import socket

import pytest

PG_ADMIN_URL = os.environ.get("PEP_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PEP_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def port_open(host: str, port: int) -> bool:
    try:
        socket.create_connection((host, port), 1).close()
        return True
    except OSError:
        return False


def require(name: str, available: bool) -> None:
    """Skip when a service is missing, unless CI is set: then it is a failure, never a silent skip."""
    if available:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{name} is required under CI but is not available")
    pytest.skip(f"{name} is not available")


def require_postgres() -> None:
    require("PostgreSQL on 127.0.0.1:5432", port_open("127.0.0.1", 5432))


def require_redis() -> None:
    require("Redis on 127.0.0.1:6379", port_open("127.0.0.1", 6379))
