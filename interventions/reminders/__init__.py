"""Reminders: what is due, the daily sweep, in-app notifications and the morning digest."""
