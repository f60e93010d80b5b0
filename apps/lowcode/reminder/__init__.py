"""Reminders before and after a document's deadline, and 催办 by hand (see service.py)."""
