"""The demo's safeguarding year: concerns at every stage, and this morning's alerts.

seed_demo calls ``seed_school`` once per school and ``seed_today`` on every start.
"""

from safeguarding.demo.concerns import seed_school
from safeguarding.demo.today import seed_today

__all__ = ["seed_school", "seed_today"]
