"""Connect, the school's internal SEMH provision: rooms, placements, the daily register and
check-ins.
"""
