"""The stamps a pupil's support sections are kept under (``interventions.pupil_support``).

Here, at the bottom of the delivery chain and importing nothing of it, so that the code that
writes the followed tables in bulk (a session's attendance, a group's enrolments) can say so.
"""

from __future__ import annotations

from send_hub.lib.kept import Stamp

# Per pupil: the rows of one pupil's support (enrolments, attendance notes, goals, measures,
# plans, check-ins, placements).
SUPPORT_PUPIL = Stamp("support-pupil", per_school=False)
# Per school: rows shared by many pupils' support (interventions, their staff, programmes,
# rooms) and staff names. Every kept section is under both.
SUPPORT_SCHOOL = Stamp("support-school")
