"""School attendance from the MIS, and the early warning that reads it beside behaviour."""
