"""Test harness: real databases, queues and a running PEP for the tests to talk to."""
