"""Entity resolution: recognise the same person across records (normalise, block, score, cluster)."""
from engine.resolution.record import Record
from engine.resolution.resolve import Link, Resolution, explain_pair, resolve

__all__ = ["Link", "Record", "Resolution", "explain_pair", "resolve"]
