"""Periodic jobs: each finds what is due as of now with set-based queries and queues it, once."""
