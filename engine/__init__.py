"""PEP engine package."""
