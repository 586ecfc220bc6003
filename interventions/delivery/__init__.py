"""Delivery: the programme catalogue, interventions (groups and 1:1s), enrolments,
sessions and ELSA blocks.
"""
