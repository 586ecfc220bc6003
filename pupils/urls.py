from django.urls import path

from pupils.views import census, classes, imports, profile, records, register

app_name = "pupils"
urlpatterns = [
    # The register (SENDCo and leaders)
    path("", register.register, name="register"),
    path("export.csv", register.register_export, name="register_export"),
    # The census pre-flight: the register against the census rules, and the SEN figures
    path("census/", census.census, name="census"),
    path("census/figures.csv", census.census_export, name="census_export"),
    path("add/", profile.pupil_add, name="add"),
    # One pupil
    path("<int:pk>/", profile.detail, name="detail"),
    path("<int:pk>/support/", profile.support, name="support"),
    path("<int:pk>/attendance/", profile.attendance, name="attendance"),
    path("<int:pk>/records/", profile.records, name="records"),
    path("<int:pk>/edit/", profile.pupil_edit, name="edit"),
    path("<int:pk>/sen-status/", profile.sen_status_change, name="sen_status"),
    path("<int:pk>/passport/", profile.passport_edit, name="passport_edit"),
    path("<int:pk>/passport/print/", profile.passport_print, name="passport_print"),
    path("<int:pk>/key-adults/", profile.key_adult_add, name="key_adult_add"),
    path("<int:pk>/key-adults/<int:link_pk>/end/", profile.key_adult_end, name="key_adult_end"),
    path("<int:pk>/access/", records.access_add, name="access_add"),
    path("<int:pk>/contacts/", records.contact_add, name="contact_add"),
    path("<int:pk>/agencies/", records.agency_add, name="agency_add"),
    path("<int:pk>/documents/", records.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", records.document_download, name="document_download"),
    path("<int:pk>/ctf.xml", imports.ctf_export, name="ctf_export"),
    # Exams officer's view of access arrangements
    path("access-arrangements/", records.access_register, name="access_register"),
    # Import from the MIS (CSV) or a Common Transfer File
    path("import/", imports.import_start, name="import_start"),
    path("import/<int:batch_pk>/", imports.import_preview, name="import_preview"),
    path("import/<int:batch_pk>/apply/", imports.import_apply, name="import_apply"),
    # Classes and teaching groups from the timetable
    path("classes/", classes.class_list, name="class_list"),
    path("classes/add/", classes.class_add, name="class_add"),
    path("classes/<int:pk>/", classes.class_edit, name="class_edit"),
    path("classes/import/", classes.class_import, name="class_import"),
    path("classes/teacher-access/", classes.teacher_access, name="teacher_access"),
    path("classes/import/<int:pk>/", classes.class_import_preview, name="class_import_preview"),
]
