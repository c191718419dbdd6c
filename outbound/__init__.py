"""PEP outbound package."""
