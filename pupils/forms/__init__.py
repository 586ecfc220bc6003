"""Pupils' forms: the register and a pupil's profile, imports from the MIS, and a pupil's
records."""

from pupils.forms.imports import (
    DEFAULT_SOURCE,
    ColumnsUploadForm,
    ImportUploadForm,
    MappingChoiceForm,
    PreviewOptionsForm,
)
from pupils.forms.records import (
    AccessArrangementForm,
    AccessRegisterFilterForm,
    AgencyForm,
    ContactForm,
    DocumentForm,
)
from pupils.forms.register import (
    ANY,
    NO_SUCH_YEAR,
    PHASE_YEARS,
    KeyAdultForm,
    PassportForm,
    PupilForm,
    RegisterFilterForm,
    RegisterSearchForm,
    SENStatusForm,
    school_year_choices,
)

__all__ = [
    "ANY",
    "DEFAULT_SOURCE",
    "NO_SUCH_YEAR",
    "PHASE_YEARS",
    "AccessArrangementForm",
    "AccessRegisterFilterForm",
    "AgencyForm",
    "ColumnsUploadForm",
    "ContactForm",
    "DocumentForm",
    "ImportUploadForm",
    "KeyAdultForm",
    "MappingChoiceForm",
    "PassportForm",
    "PreviewOptionsForm",
    "PupilForm",
    "RegisterFilterForm",
    "RegisterSearchForm",
    "SENStatusForm",
    "school_year_choices",
]
