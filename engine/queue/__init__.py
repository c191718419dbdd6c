"""The work queue: dramatiq actors woken by rows committed to the database."""
