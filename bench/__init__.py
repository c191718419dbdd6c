"""PEP's benchmark harness: one module per workload, results as JSON and a table in docs/benchmarks.md."""
