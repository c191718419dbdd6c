"""Use cases: each takes a session and an Env, changes state, audits, and queues messages."""
