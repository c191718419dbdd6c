"""Describe the machine a benchmark ran on, so figures are never quoted without it."""
from __future__ import annotations

import os
import platform
from typing import Any


def describe() -> dict[str, Any]:
    memory_gib = None
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemTotal:"):
                    memory_gib = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    cpu = platform.processor()
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cores": os.cpu_count(), "memory_gib": memory_gib, "cpu": cpu,
            "python": platform.python_version(), "system": f"{platform.system()} {platform.release()}"}
