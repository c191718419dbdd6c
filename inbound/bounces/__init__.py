"""Detectors for the delivery-failure formats mail servers send back, one format per module."""
