"""Write a leaver's SEN history as a Common Transfer File (CTF 25 layout) for the next school.

Each SEN period becomes a ``SEN`` element (``StartDate``, ``SENprovision``). The census keeps needs
for the current period only, so a receiving MIS reads ``SENneeds`` as today's needs; we also date
every need (``NeedStartDate``/``NeedEndDate``) so the whole history survives a round trip. A gap
in our history (a period that ended with nothing after it) is written as ``N`` from the next day,
because a CTF period runs until the next one starts.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from pupils.models import Provision, Pupil, SENStatus
from staff.audit import log_action
from staff.models import User

CTF_VERSION = "25.0"


def _nc_year(value: int | None) -> str:
    return {None: "X", -2: "N1", -1: "N2", 0: "R"}.get(value, str(value))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def pupil_ctf(*, pupil: Pupil, now: dt.datetime) -> bytes:
    """Return the CTF XML for ``pupil`` and its full SEN history (oldest period first)."""
    school = pupil.school
    root = ET.Element("CTfile")
    header = _sub(root, "Header")
    _sub(header, "DocumentName", "Common Transfer File")
    _sub(header, "CTFversion", CTF_VERSION)
    _sub(header, "DateTime", timezone.localtime(now).strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "DocumentQualifier", "partial")
    _sub(header, "SupplierID", "SEND Hub")
    source = _sub(header, "SourceSchool")
    _sub(source, "LEA", school.la_code)
    _sub(source, "Estab", school.estab)
    _sub(source, "URN", school.urn)
    _sub(source, "SchoolName", school.name)
    today = timezone.localdate(now)
    _sub(source, "AcademicYear", str(today.year if today.month >= 9 else today.year - 1))
    dest = _sub(header, "DestSchool")  # XXX/XXXX: destination not known to us
    _sub(dest, "LEA", "XXX")
    _sub(dest, "Estab", "XXXX")

    data = _sub(root, "CTFpupilData")
    el = _sub(data, "Pupil")
    _sub(el, "UPN", pupil.upn)
    _sub(el, "Surname", pupil.legal_surname)
    _sub(el, "Forename", pupil.legal_forename)
    if pupil.preferred_surname:
        _sub(el, "PreferredSurname", pupil.preferred_surname)
    if pupil.preferred_forename:
        _sub(el, "PreferredForename", pupil.preferred_forename)
    _sub(el, "DOB", pupil.date_of_birth.isoformat())
    _sub(el, "Sex", pupil.sex)
    basic = _sub(el, "BasicDetails")
    _sub(basic, "NCyearActual", _nc_year(pupil.nc_year))

    statuses = list(
        SENStatus.objects.filter(pupil=pupil).prefetch_related("needs").order_by("start_date")
    )
    if statuses:
        history = _sub(el, "SENhistory")
        for i, status in enumerate(statuses):
            sen = _sub(history, "SEN")
            _sub(sen, "StartDate", status.start_date.isoformat())
            _sub(sen, "SENprovision", status.provision)
            following = statuses[i + 1] if i + 1 < len(statuses) else None
            end = status.end_date
            if (
                end is not None
                and (following is None or following.start_date > end + dt.timedelta(1))
                and status.provision != Provision.NONE
            ):
                sen = _sub(history, "SEN")
                _sub(sen, "StartDate", (end + dt.timedelta(1)).isoformat())
                _sub(sen, "SENprovision", Provision.NONE)
        needs = _sub(history, "SENneeds")
        for status in statuses:
            for need in sorted(status.needs.all(), key=lambda n: n.rank):
                item = _sub(needs, "SENneed")
                _sub(item, "NeedStartDate", status.start_date.isoformat())
                if status.end_date:
                    _sub(item, "NeedEndDate", status.end_date.isoformat())
                _sub(item, "SENtypeRank", str(need.rank))
                _sub(item, "SENtype", need.need)
    ET.indent(root)
    return ET.tostring(root, encoding="UTF-8", xml_declaration=True) + b"\n"


@transaction.atomic
def pupil_ctf_export(*, pupil: Pupil, by: User) -> tuple[bytes, str]:
    """Return (CTF XML, file name) for a pupil with a leaving date, and audit the export."""
    if pupil.leaving_date is None:
        raise ValidationError(
            "Record a leaving date first: a CTF of SEN history is for a pupil who is leaving."
        )
    now = timezone.now()
    content = pupil_ctf(pupil=pupil, now=now)
    school = pupil.school
    # DfE naming: <source LA><estab>_CTF_<destination LA><estab>_<sequence>.xml
    filename = f"{school.la_code}{school.estab}_CTF_XXXXXXX_{now:%Y%m%d%H%M%S}.xml"
    log_action(
        pupil,
        "pupils.ctf.exported",
        actor=by,
        data={"periods": pupil.sen_statuses.count(), "bytes": len(content)},
    )
    return content, filename
