"""Tests of the outbound transports."""
