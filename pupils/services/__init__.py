"""Pupils' services: the register (SEN status, needs, key adults, passports) and a pupil's
records."""

from pupils.services.records import (
    DUPLICATE_UPLOAD_WINDOW,
    access_arrangement_add,
    agency_add,
    contact_add,
    document_upload,
)
from pupils.services.register import (
    key_adult_assign,
    key_adult_end,
    passport_save,
    sen_status_record,
    validate_needs,
)

__all__ = [
    "DUPLICATE_UPLOAD_WINDOW",
    "access_arrangement_add",
    "agency_add",
    "contact_add",
    "document_upload",
    "key_adult_assign",
    "key_adult_end",
    "passport_save",
    "sen_status_record",
    "validate_needs",
]
