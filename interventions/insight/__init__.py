"""Insight: the SENDCo's dashboard and flag lists, the provision map, what works, termly
and trust reports.
"""
