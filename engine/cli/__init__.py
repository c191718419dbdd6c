"""The `pep` command line: one module per group of verbs."""
