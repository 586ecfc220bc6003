"""Pupils: the SEN register, what the school keeps about each pupil, and MIS imports."""

from pupils.models.classes import (
    ClassImport,
    ClassMember,
    ClassTeacher,
    TeacherAccess,
    TeachingClass,
)
from pupils.models.imports import (
    ImportBatch,
    ImportMapping,
)
from pupils.models.records import (
    AccessArrangement,
    AgencyInvolvement,
    Contact,
    Document,
    Passport,
    document_path,
)
from pupils.models.register import (
    AREA_OF_NEED,
    NC_YEAR_CHOICES,
    Area,
    KeyAdult,
    NeedType,
    Provision,
    Pupil,
    PupilQuerySet,
    RegisterFields,
    SENNeed,
    SENStatus,
    Sex,
    needs_in_area,
    validate_upn,
)

__all__ = [
    "AREA_OF_NEED",
    "NC_YEAR_CHOICES",
    "AccessArrangement",
    "AgencyInvolvement",
    "Area",
    "ClassImport",
    "ClassMember",
    "ClassTeacher",
    "Contact",
    "Document",
    "ImportBatch",
    "ImportMapping",
    "KeyAdult",
    "NeedType",
    "Passport",
    "Provision",
    "Pupil",
    "PupilQuerySet",
    "RegisterFields",
    "SENNeed",
    "SENStatus",
    "Sex",
    "TeacherAccess",
    "TeachingClass",
    "document_path",
    "needs_in_area",
    "validate_upn",
]
