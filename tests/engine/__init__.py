"""Tests of the engine: models, services, queue, CLI."""
