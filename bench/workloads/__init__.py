"""Benchmark workloads, one module each, each with run(quick) -> list of results."""
