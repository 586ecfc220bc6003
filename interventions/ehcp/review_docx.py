"""The annual review report as a Word document, for local authorities that ask for DOCX.

Built with python-docx from the same reading as the PDF (``review_record.review_report``), with
the same numbered section headings, so an officer can paste it into the authority's own form.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from docx import Document
from docx.document import Document as DocumentObject
from docx.shared import Cm, Pt

from interventions.ehcp.models import AnnualReview, AnnualReviewProvisionCheck
from interventions.ehcp.review_record import OutcomeRow, ProvisionRow
from send_hub.lib.dates import nice_date

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _table(doc: DocumentObject, header: list[str] | None, rows: list[list[str]]) -> None:
    columns = len(header) if header else len(rows[0])
    table = doc.add_table(rows=0, cols=columns)
    table.style = "Table Grid"
    if header:
        cells = table.add_row().cells
        for cell, text in zip(cells, header, strict=True):
            cell.text = ""
            cell.paragraphs[0].add_run(text).bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    doc.add_paragraph()


def _labelled(doc: DocumentObject, label: str, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.add_run(f"{label}: ").bold = True
    paragraph.add_run(text)


def _text_or(doc: DocumentObject, text: str, missing: str) -> None:
    if text:
        for block in text.split("\n\n"):
            doc.add_paragraph(block.strip())
    elif missing:
        doc.add_paragraph().add_run(missing).italic = True


def _outcome(doc: DocumentObject, number: int, row: OutcomeRow) -> None:
    title = f"Outcome {number}" + (f" ({row.area})" if row.area else "")
    if row.outcome is None:
        title += ": since removed from the plan"
    doc.add_heading(title, level=3)
    doc.add_paragraph(row.text)
    if row.outcome is not None:
        evidence = [
            f"“{line.description}”: {line.delivery.sessions} sessions attended, "
            f"{line.delivery.hours} h this school year. {line.delivery.summary}"
            for line in row.lines
            if line.delivery.linked
        ]
        evidence += row.measures
        evidence += [
            f"{t.plan} target ({t.outcome.lower()} at the review of {nice_date(t.held_on)}): "
            f"{t.wording}"
            for t in row.targets
        ]
        doc.add_paragraph("Evidence", style="Heading 4")
        for item in evidence or ["No sessions, measures or plan reviews recorded in the period."]:
            doc.add_paragraph(item, style="List Bullet")
    if row.judged is not None:
        _labelled(doc, "Progress", row.judged.get_progress_display())
        doc.add_paragraph(row.judged.commentary)
    else:
        _labelled(doc, "Progress", "Not yet recorded")


def _provision(doc: DocumentObject, number: int, row: ProvisionRow) -> None:
    doc.add_heading(f"Provision {number}", level=3)
    doc.add_paragraph(row.text)
    if row.line is not None:
        d = row.line.delivery
        stated = f"{d.stated_label} h a week" if d.stated is not None else "No hours stated"
        delivered = (
            f"{d.per_week_label} h a week over the last {d.weeks_label}; {d.sessions} sessions "
            f"attended ({d.hours} h) this school year"
            if d.linked
            else "Not measured: no intervention is linked"
        )
        _labelled(doc, "Stated", stated)
        _labelled(doc, "Delivered", delivered)
    check: AnnualReviewProvisionCheck | None = row.checked
    if check is None:
        _labelled(doc, "Delivered as specified?", "Not yet recorded")
        return
    _labelled(doc, "Delivered as specified?", check.get_delivered_display())
    if check.shortfall_reason:
        _labelled(doc, "Reasons for the shortfall", check.shortfall_reason)


def render_review_docx(context: dict[str, Any]) -> bytes:
    """Return the annual review report as DOCX bytes."""
    review: AnnualReview = context["review"]
    h = context["sections"]
    doc = Document()
    page = doc.sections[0]
    page.page_width, page.page_height = Cm(21), Cm(29.7)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(page, side, Cm(2))
    doc.styles["Normal"].font.size = Pt(10.5)
    doc.core_properties.title = "EHCP annual review report"
    doc.core_properties.author = context["built_by_name"]
    page.header.paragraphs[0].text = f"EHCP annual review report · {context['ehcp'].school.name}"

    doc.add_heading("EHCP annual review report", level=0)
    doc.add_paragraph(
        f"Review meeting {nice_date(review.meeting_on)}. Built {nice_date(context['built_at'])} "
        f"by {context['built_by_name']} from the record in SEND Hub."
    )

    doc.add_heading(h["details"], level=1)
    _table(doc, None, [[label, value] for label, value in context["facts"]])

    doc.add_heading(h["meeting"], level=1)
    steps = []
    for row in context["milestones"]:
        if row.step is not None:
            done = nice_date(row.step.done_on)
            by = row.step.done_by.full_name or row.step.done_by.email
        else:
            done, by = ("Not needed" if row.state == "not_needed" else "Not yet"), ""
        steps.append([row.label, nice_date(row.due_on), done, by])
    _table(doc, ["Step", "Due", "Done", "By"], steps)

    doc.add_heading(h["invitees"], level=1)
    if context["invitees"]:
        attended = {True: "Attended", False: "Did not attend", None: "Not recorded"}
        _table(
            doc,
            ["Name", "Role", "Invited", "Advice received", "Meeting"],
            [
                [
                    i.name,
                    i.get_role_display(),
                    nice_date(i.invited_on),
                    nice_date(i.advice_received_on) if i.advice_received_on else "Not received",
                    attended[i.attended],
                ]
                for i in context["invitees"]
            ],
        )
    else:
        doc.add_paragraph("No invitations are recorded.")

    doc.add_heading(h["child"], level=1)
    _text_or(doc, review.child_views, "Not recorded.")
    if review.child_views_how:
        _labelled(doc, "How their views were gathered", review.child_views_how)
    doc.add_heading(h["parents"], level=1)
    _text_or(doc, review.parent_views, "Not recorded.")
    if review.parent_views_how:
        _labelled(doc, "How their views were gathered", review.parent_views_how)

    doc.add_heading(h["progress"], level=1)
    for number, outcome in enumerate(context["outcome_rows"], start=1):
        _outcome(doc, number, outcome)
    if not context["outcome_rows"]:
        doc.add_paragraph("No outcomes are recorded for this EHCP.")

    doc.add_heading(h["provision"], level=1)
    for number, line in enumerate(context["provision_rows"], start=1):
        _provision(doc, number, line)
    if not context["provision_rows"]:
        doc.add_paragraph("No provision is recorded for this EHCP.")

    doc.add_heading(h["adulthood"], level=1)
    if context["pfa"]:
        for label, text in context["adulthood"]:
            doc.add_heading(label, level=3)
            _text_or(doc, text, "Not recorded.")
    else:
        doc.add_paragraph("Not required before Year 9.")

    doc.add_heading(h["amendments"], level=1)
    for _code, label, amendments in context["amendments"]:
        doc.add_heading(label, level=3)
        if amendments:
            for amendment in amendments:
                doc.add_paragraph(amendment.text, style="List Number")
        else:
            doc.add_paragraph("No amendment recommended.")

    doc.add_heading(h["recommendation"], level=1)
    if review.recommendation:
        _labelled(
            doc,
            "The review recommends that the local authority",
            f"{review.get_recommendation_display().lower()} the plan",
        )
        _text_or(doc, review.recommendation_reasons, "")
    else:
        doc.add_paragraph("Not yet agreed.")
    if review.la_decision:
        _labelled(doc, "Local authority's decision", f"{review.get_la_decision_display()} the plan")

    out = BytesIO()
    doc.save(out)
    return out.getvalue()
