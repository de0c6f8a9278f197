"""Trained decision models (JSON), rebuilt by `kyket train`; see pipeline/models.py."""
