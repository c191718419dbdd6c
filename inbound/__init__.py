"""PEP inbound package."""
