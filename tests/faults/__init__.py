"""Fault scenarios: real PEP processes, real PostgreSQL, Redis and SMTP sinks, killed and restarted."""
