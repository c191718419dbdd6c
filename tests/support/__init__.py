"""Reusable test servers and fixtures for PEP's tests."""
