"""The DfE attendance codes (school attendance guidance, from August 2024), marked (verify).

A superuser corrects or adds codes in the admin; each stays "(verify)" until someone has checked
it against the guidance in force.
"""

from django.db import migrations

PRESENT, APPROVED, AUTHORISED, UNAUTHORISED, NOT_REQUIRED = (
    "PRESENT",
    "APPROVED",
    "AUTHORISED",
    "UNAUTHORISED",
    "NOT_REQUIRED",
)
CODES = [
    ("/", "Present (morning)", PRESENT),
    ("\\", "Present (afternoon)", PRESENT),
    ("L", "Late, arrived before the register closed", PRESENT),
    ("K", "Attending education provision arranged by the local authority", APPROVED),
    ("V", "Attending an educational visit or trip", APPROVED),
    ("P", "Participating in a supervised sporting activity", APPROVED),
    ("W", "Attending work experience", APPROVED),
    ("B", "Attending any other approved educational activity", APPROVED),
    ("D", "Dual registered: attending another school", NOT_REQUIRED),
    ("C", "Leave of absence for exceptional circumstances", AUTHORISED),
    ("C1", "Leave of absence for a regulated performance or employment abroad", AUTHORISED),
    ("C2", "Leave of absence for a part-time timetable", AUTHORISED),
    ("E", "Suspended or permanently excluded, no alternative provision made", AUTHORISED),
    ("I", "Illness (not medical or dental appointment)", AUTHORISED),
    ("J1", "Leave of absence for an interview", AUTHORISED),
    ("M", "Medical or dental appointment", AUTHORISED),
    ("R", "Religious observance", AUTHORISED),
    ("S", "Leave of absence for study leave", AUTHORISED),
    ("T", "Parent travelling for occupational purposes", AUTHORISED),
    ("G", "Holiday not granted by the school", UNAUTHORISED),
    ("N", "Reason for absence not yet established", UNAUTHORISED),
    ("O", "Absent in other or unknown circumstances", UNAUTHORISED),
    ("U", "Arrived in school after the register closed", UNAUTHORISED),
    ("Q", "Unable to attend: lack of access arrangements", NOT_REQUIRED),
    ("X", "Not required to attend: non-compulsory school age", NOT_REQUIRED),
    ("Y", "Unable to attend due to exceptional circumstances (older code)", NOT_REQUIRED),
    ("Y1", "Unable to attend: transport not available", NOT_REQUIRED),
    ("Y2", "Unable to attend: widespread disruption to travel", NOT_REQUIRED),
    ("Y3", "Unable to attend: part of the school premises closed", NOT_REQUIRED),
    ("Y4", "Unable to attend: whole school site unexpectedly closed", NOT_REQUIRED),
    ("Y5", "Unable to attend: in criminal justice detention", NOT_REQUIRED),
    ("Y6", "Unable to attend: public health guidance or law", NOT_REQUIRED),
    ("Y7", "Unable to attend: any other unavoidable cause", NOT_REQUIRED),
    ("Z", "Prospective pupil not on the admission register", NOT_REQUIRED),
    ("#", "Planned whole-school closure", NOT_REQUIRED),
]


def seed(apps, schema_editor):
    Code = apps.get_model("interventions", "AttendanceCode")
    for code, meaning, category in CODES:
        Code.objects.get_or_create(code=code, defaults={"meaning": meaning, "category": category})


class Migration(migrations.Migration):
    dependencies = [("interventions", "0009_attendance_early_warning")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
