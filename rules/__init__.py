"""PEP rules package."""
