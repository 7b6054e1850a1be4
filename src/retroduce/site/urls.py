from django.contrib.auth import views as auth_views
from django.urls import path

from retroduce.coding import assist as coding_assist
from retroduce.coding import pages as coding_pages
from retroduce.coding import views as coding
from retroduce.core import views as core
from retroduce.core.auth import LoginView
from retroduce.documents import views as documents
from retroduce.exchange import views as exchange
from retroduce.reports import views as reports
from retroduce.screening import views as screening
from retroduce.sources import views as sources
from retroduce.theory import edit_views as theory_edit
from retroduce.theory import explore_views as theory_explore
from retroduce.theory import views as theory

urlpatterns = [
    path("", core.dashboard, name="dashboard"),
    path("login/", LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("projects/new", core.project_create, name="project_create"),
    path("tasks/<str:task_id>/", core.task_progress, name="task_progress"),
    path("p/<slug:slug>/", core.project_overview, name="project"),
    path("p/<slug:slug>/protocol/", core.protocol, name="protocol"),
    path("p/<slug:slug>/protocol/v<int:number>/", core.protocol, name="protocol_version"),
    path("p/<slug:slug>/protocol/edit/", core.protocol_edit, name="protocol_edit"),
    path("p/<slug:slug>/changes/add", core.change_log_add, name="change_log_add"),
    path("p/<slug:slug>/members/", core.members, name="members"),
    path("p/<slug:slug>/members/add", core.member_add, name="member_add"),
    path("p/<slug:slug>/members/<int:member_id>/role", core.member_role, name="member_role"),
    path("p/<slug:slug>/members/<int:member_id>/remove", core.member_remove, name="member_remove"),
    path("p/<slug:slug>/history/<int:event_id>/undo", core.event_undo, name="event_undo"),
    path("p/<slug:slug>/history/", core.history, name="history"),
    path("p/<slug:slug>/history.csv", core.history_csv, name="history_csv"),
    path("p/<slug:slug>/history/audit", core.audit_start, name="audit_start"),
    path("p/<slug:slug>/theory/", theory.theory, name="theory"),
    path("p/<slug:slug>/theory/v<int:number>/", theory.theory, name="theory_version"),
    path("p/<slug:slug>/theory/v<int:number>/feedback", theory.feedback_add, name="feedback_add"),
    path("p/<slug:slug>/stakeholders/", theory.stakeholders, name="stakeholders"),
    path(
        "p/<slug:slug>/stakeholders/new",
        theory.stakeholder_event_add,
        name="stakeholder_event_add",
    ),
    path("p/<slug:slug>/theory/versions/new", theory_edit.version_start, name="version_start"),
    path("p/<slug:slug>/theory/v<int:number>/share", theory.version_share, name="version_share"),
    path("p/<slug:slug>/theory/components/new", theory_edit.component_add, name="component_add"),
    path(
        "p/<slug:slug>/theory/components/<int:component_id>/",
        theory_edit.component,
        name="component",
    ),
    path(
        "p/<slug:slug>/theory/components/<int:component_id>/remove",
        theory_edit.component_remove,
        name="component_remove",
    ),
    path(
        "p/<slug:slug>/theory/components/<int:component_id>/cmocs/new",
        theory_edit.cmoc_new,
        name="cmoc_new",
    ),
    path("p/<slug:slug>/theory/cmocs/<int:cmoc_id>/", theory_edit.cmoc_detail, name="cmoc"),
    path("p/<slug:slug>/theory/cmocs/<int:cmoc_id>/edit", theory_edit.cmoc_edit, name="cmoc_edit"),
    path("p/<slug:slug>/theory/compare/", theory_explore.compare, name="theory_compare"),
    path("p/<slug:slug>/theory/diagram/", theory_explore.diagram, name="theory_diagram"),
    path(
        "p/<slug:slug>/theory/diagram.<str:fmt>",
        theory_explore.diagram_file,
        name="theory_diagram_file",
    ),
    path("p/<slug:slug>/theory/query/", theory_explore.query, name="theory_query"),
    path("p/<slug:slug>/theory/saturation/", theory_explore.saturation_page, name="saturation"),
    path("p/<slug:slug>/theory/reread/", theory_explore.reread_queue, name="reread"),
    path(
        "p/<slug:slug>/theory/reread/<int:change_id>/mark",
        theory_explore.reread_mark,
        name="reread_mark",
    ),
    path("p/<slug:slug>/theory/substantive/", theory_explore.substantive, name="substantive"),
    path(
        "p/<slug:slug>/theory/substantive/<int:theory_id>/link",
        theory_explore.substantive_link,
        name="substantive_link",
    ),
    path(
        "p/<slug:slug>/theory/feedback/<int:feedback_id>/answer",
        theory_explore.feedback_answer,
        name="feedback_answer",
    ),
    path("p/<slug:slug>/sources/", sources.sources, name="sources"),
    path("p/<slug:slug>/sources/episodes/new", sources.episode_form, name="episode_new"),
    path("p/<slug:slug>/sources/episodes/<int:number>/", sources.episode_form, name="episode_edit"),
    path("p/<slug:slug>/sources/import", sources.upload, name="import_upload"),
    path("p/<slug:slug>/sources/records/", sources.records, name="records"),
    path("p/<slug:slug>/sources/records/<int:record_id>/", sources.record_detail, name="record"),
    path("p/<slug:slug>/sources/duplicates/", sources.duplicate_queue, name="duplicates"),
    path(
        "p/<slug:slug>/sources/duplicates/<int:pair_id>/decide",
        sources.decide_pair,
        name="decide_pair",
    ),
    path("p/<slug:slug>/screening/", screening.overview, name="screening"),
    path("p/<slug:slug>/screening/reasons", screening.reason_add, name="reason_add"),
    path(
        "p/<slug:slug>/screening/reasons/<int:reason_id>/retire",
        screening.reason_retire,
        name="reason_retire",
    ),
    path("p/<slug:slug>/screening/keywords", screening.keyword_add, name="keyword_add"),
    path(
        "p/<slug:slug>/screening/keywords/<int:keyword_id>/remove",
        screening.keyword_remove,
        name="keyword_remove",
    ),
    path("p/<slug:slug>/screening/<str:stage>/", screening.screen, name="screen"),
    path("p/<slug:slug>/screening/<str:stage>/undo", screening.undo, name="screen_undo"),
    path("p/<slug:slug>/screening/<str:stage>/mine/", screening.my_decisions, name="my_decisions"),
    path("p/<slug:slug>/screening/<str:stage>/conflicts/", screening.conflicts, name="conflicts"),
    path(
        "p/<slug:slug>/screening/<str:stage>/conflicts/<int:record_id>/resolve",
        screening.resolve,
        name="resolve",
    ),
    path(
        "p/<slug:slug>/screening/<str:stage>/settings",
        screening.stage_settings,
        name="stage_settings",
    ),
    path(
        "p/<slug:slug>/screening/<str:stage>/decisions.<str:kind>",
        screening.export,
        name="screening_export",
    ),
    path("p/<slug:slug>/documents/", documents.documents, name="documents"),
    path("p/<slug:slug>/documents/attach", documents.attach, name="attach"),
    path("p/<slug:slug>/documents/<int:document_id>/", documents.viewer, name="document"),
    path(
        "p/<slug:slug>/documents/<int:document_id>/file", documents.original, name="document_file"
    ),
    path("p/<slug:slug>/documents/<int:document_id>/edit", documents.edit, name="document_edit"),
    path(
        "p/<slug:slug>/documents/<int:document_id>/extract",
        documents.reextract,
        name="document_reextract",
    ),
    path("p/<slug:slug>/documents/<int:document_id>/share", documents.share, name="document_share"),
    path(
        "p/<slug:slug>/documents/<int:document_id>/second-coder",
        documents.check_coder,
        name="document_check_coder",
    ),
    path(
        "p/<slug:slug>/documents/<int:document_id>/fragments",
        coding.fragment_create,
        name="fragment_create",
    ),
    path("p/<slug:slug>/documents/<int:document_id>/appraise", coding.appraise, name="appraise"),
    path(
        "p/<slug:slug>/fragments/<int:fragment_id>/uncode",
        coding.fragment_uncode,
        name="fragment_uncode",
    ),
    path(
        "p/<slug:slug>/fragments/<int:fragment_id>/delete",
        coding.fragment_delete,
        name="fragment_delete",
    ),
    path("p/<slug:slug>/coding/", coding_pages.codebook_page, name="codebook"),
    path("p/<slug:slug>/coding/codes/new", coding_pages.code_create, name="code_create"),
    path("p/<slug:slug>/coding/codes/<int:code_id>/", coding_pages.code_detail, name="code"),
    path("p/<slug:slug>/coding/codes/<int:code_id>/edit", coding_pages.code_edit, name="code_edit"),
    path(
        "p/<slug:slug>/coding/codes/<int:code_id>/fragments.<str:fmt>",
        coding_pages.code_export,
        name="code_export",
    ),
    path(
        "p/<slug:slug>/coding/codes/<int:code_id>/suggestions/",
        coding_assist.suggestions,
        name="suggestions",
    ),
    path(
        "p/<slug:slug>/coding/codes/<int:code_id>/suggestions/decide",
        coding_assist.decide_suggestion,
        name="decide_suggestion",
    ),
    path(
        "p/<slug:slug>/documents/<int:document_id>/agreement",
        coding_assist.agreement,
        name="agreement",
    ),
    path("p/<slug:slug>/coding/matrix/", coding_pages.matrix, name="matrix"),
    path(
        "p/<slug:slug>/coding/matrix.<str:fmt>",
        coding_pages.matrix_export,
        name="matrix_export",
    ),
    path("p/<slug:slug>/coding/cooccurrence/", coding_pages.cooccurrence_page, name="cooccurrence"),
    path(
        "p/<slug:slug>/coding/cooccurrence.<str:fmt>",
        coding_pages.cooccurrence_export,
        name="cooccurrence_export",
    ),
    path("p/<slug:slug>/coding/memos/", coding_pages.memos, name="memos"),
    path("p/<slug:slug>/coding/memos/new", coding.memo_create, name="memo_create"),
    path("p/<slug:slug>/coding/memos/<int:memo_id>/edit", coding.memo_update, name="memo_update"),
    path("projects/restore", exchange.project_restore, name="project_restore"),
    path("p/<slug:slug>/exchange/", exchange.exchange, name="exchange"),
    path("p/<slug:slug>/exchange/import", exchange.exchange_import, name="exchange_import"),
    path(
        "p/<slug:slug>/exchange/download.<str:fmt>",
        exchange.exchange_download,
        name="exchange_download",
    ),
    path("p/<slug:slug>/reports/", reports.reports, name="reports"),
    path("p/<slug:slug>/reports/report.<str:fmt>", reports.report_download, name="report_download"),
    path(
        "p/<slug:slug>/reports/tables/<str:name>.<str:fmt>",
        reports.report_table,
        name="report_table",
    ),
    path("p/<slug:slug>/reports/flow.<str:fmt>", reports.flow_file, name="flow_file"),
    path("p/<slug:slug>/reports/quality/", reports.quality, name="quality"),
    path("p/<slug:slug>/reports/write.<str:fmt>", reports.report_prepare, name="report_prepare"),
    path("p/<slug:slug>/reports/files/<int:report_id>", reports.report_file, name="report_file"),
    path("p/<slug:slug>/<str:section>/", core.planned_section, name="planned_section"),
]
