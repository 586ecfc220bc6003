"""EHCPs: the record, section E outcomes, section F provision, annual reviews and the
statutory clock.
"""
