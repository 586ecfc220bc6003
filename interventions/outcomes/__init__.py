"""Outcomes: measures at entry and exit, their scoring, and each intervention's impact report."""
