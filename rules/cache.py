"""Rules files parsed once per content: a small per-process cache keyed by the files' digests."""
from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from pathlib import Path

from rules.load import DEFAULT_RULES, load_rules
from rules.model import Ruleset

_Key = tuple[str, str | None, str | None, str | None]


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None  # load_rules reports the file it cannot read, every time: errors are never cached


class RulesCache:
    """The last few rulesets loaded, by the digest of each file's bytes, so an edited file is read again.

    A Ruleset is immutable, so one object may serve every thread. Reading and hashing two small files
    costs microseconds; parsing and checking the TOML costs most of a millisecond per report.
    """

    def __init__(self, size: int = 4) -> None:
        self._size = size
        self._rulesets: OrderedDict[_Key, Ruleset] = OrderedDict()
        self._lock = threading.Lock()

    def load(self, extra: str | Path | None = None, default: Path = DEFAULT_RULES) -> Ruleset:
        """What `load_rules(extra, default)` returns (or raises) for the files as they are now."""
        key = self._key(extra, default)
        with self._lock:
            if key in self._rulesets:
                self._rulesets.move_to_end(key)
                return self._rulesets[key]
        ruleset = load_rules(extra, default)
        # A file changed while it was being read: use what was read, but do not keep it under either digest.
        if key == self._key(extra, default):
            with self._lock:
                self._rulesets[key] = ruleset
                while len(self._rulesets) > self._size:
                    self._rulesets.popitem(last=False)
        return ruleset

    @staticmethod
    def _key(extra: str | Path | None, default: Path) -> _Key:
        return (str(default), _digest(default), str(extra) if extra else None, _digest(Path(extra)) if extra else None)


# One per process, documented here: bounded, and its values are immutable rulesets of files' exact bytes.
RULES = RulesCache()
