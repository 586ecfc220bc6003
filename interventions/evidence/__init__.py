"""Evidence that holds up: the provision ledger (each planned provision line against what was
delivered, week by week) and each pupil's evidence pack (need to outcome); the inputs the
whole-school provision map counts beside logged sessions."""
