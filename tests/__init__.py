"""Tests for PEP."""
