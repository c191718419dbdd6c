"""Retention and review: MOPI review dates, review reminders, disposal past retention, subject rights."""
