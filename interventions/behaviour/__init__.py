"""Behaviour: removals, isolation and suspensions, behaviour events, the import and
pattern monitoring.
"""
