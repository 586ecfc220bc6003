from django.urls import path

from safeguarding.views import actions, attachments, casework, concerns, file, reports, transfers

app_name = "safeguarding"
urlpatterns = [
    # Everyone: raise a concern, see the ones you raised
    path("raise/", concerns.raise_concern, name="raise"),
    path("raise/pupils/", concerns.pupil_search, name="pupil_search"),
    path("raise/pupils/pick/", concerns.pupil_pick, name="pupil_pick"),
    path("mine/", concerns.mine, name="mine"),
    # Everyone: the actions the DSL team gave them (their own only)
    path("my-actions/", actions.my_actions, name="my_actions"),
    path("my-actions/<int:pk>/", actions.my_action, name="my_action"),
    # One concern: its reporter and the DSL team
    path("concerns/<int:pk>/", concerns.concern_detail, name="concern"),
    path("concerns/<int:pk>/addenda/", concerns.addendum_add, name="addendum_add"),
    path("concerns/<int:pk>/files/", attachments.attachment_add, name="attachment_add"),
    path(
        "concerns/<int:pk>/files/<int:attachment_pk>/",
        attachments.attachment_download,
        name="attachment_download",
    ),
    path("concerns/<int:pk>/decisions/", casework.decision_add, name="decision_add"),
    path("concerns/<int:pk>/actions/", casework.action_add, name="action_add"),
    path(
        "concerns/<int:pk>/actions/<int:action_pk>/",
        casework.action_update,
        name="action_update",
    ),
    path(
        "concerns/<int:pk>/pupils/<int:link_pk>/account/",
        casework.account_share,
        name="account_share",
    ),
    path("concerns/<int:pk>/referrals/", casework.referral_add, name="referral_add"),
    path(
        "concerns/<int:pk>/referrals/<int:referral_pk>/",
        casework.referral_update,
        name="referral_update",
    ),
    # The DSL team
    path("", file.queue, name="queue"),
    path("pupils/<int:pk>/", file.pupil_chronology, name="chronology"),
    path("pupils/<int:pk>/chronology.pdf", file.chronology_pdf, name="chronology_pdf"),
    path("pupils/<int:pk>/viewed-by/", file.access_log, name="access_log"),
    path("pupils/<int:pk>/flag/", file.flag_set, name="flag_set"),
    path("transfers/", transfers.transfers, name="transfers"),
    path("transfers/start/<int:pk>/", transfers.transfer_start, name="transfer_start"),
    path("transfers/<int:pk>/", transfers.transfer_detail, name="transfer"),
    path("transfers/<int:pk>/steps/", transfers.transfer_step, name="transfer_step"),
    path("transfers/<int:pk>/file.zip", transfers.transfer_export, name="transfer_export"),
    path("reports/", reports.report, name="report"),
    path("reports/governors/", reports.report_governors, name="report_governors"),
]
