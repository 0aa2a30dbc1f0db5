"""The inbox (holding pen), uploads, message pages and status confirmation.

Who sees a message or file is decided in foia.requests.access: in short, whoever may see its request
(unless it is marked private); in the holding pen, the user who uploaded it and admins; mail fetched
by IMAP that matched nothing is for admins to sort out.
"""
from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, make_response, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from sqlmodel import select

from foia.documents import services as document_services
from foia.documents.models import Document
from foia.errors import DomainError, NotAllowed, NotFound, ValidationError
from foia.mail import holding_pen, ingest, inputs, reading
from foia.mail.match import likely_requests
from foia.mail.models import Message, MessageKind
from foia.requests import access
from foia.requests.access import get_workable_request, workable_clause
from foia.requests.models import FoiaRequest, Status
from foia.web.context import actor, db_session, now, runtime
from foia.web.forms import safe_next
from foia.web.input import bounded_id

bp = Blueprint("mail", __name__)

#: The message's own HTML may not load or run anything; inline styles only.
HTML_BODY_CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; sandbox; base-uri 'none'; form-action 'none'"


def _workable_requests():
    return db_session().exec(select(FoiaRequest).where(workable_clause(actor()))
                             .order_by(FoiaRequest.updated_at.desc()).limit(500)).all()


@bp.get("/inbox")
@login_required
def inbox():
    session = db_session()
    messages = session.exec(select(Message).where(Message.request_id.is_(None),
                                                  access.message_visible_clause(actor(), now()))
                            .order_by(Message.received_at.desc(), Message.id.desc()).limit(200)).all()
    guesses = {m.id: likely_requests(session, m, workable_clause(actor())) for m in messages}
    files = document_services.held_documents(session, actor(), now())
    return render_template("mail/inbox.html", messages=messages, guesses=guesses, files=files,
                           requests=_workable_requests())


@bp.post("/inbox/assign")
@login_required
def assign():
    ids = [i for i in map(bounded_id, request.form.getlist("message_ids")) if i]
    file_ids = [i for i in map(bounded_id, request.form.getlist("document_ids")) if i]
    request_id = bounded_id(request.form.get("request_id"))
    session = db_session()
    try:
        if request_id is None:
            raise ValidationError("Choose the request to put the messages on.")
        if not ids and not file_ids:
            raise ValidationError("Choose at least one message or file.")
        files = document_services.assign_documents(session, actor(), now(), file_ids, request_id)
        assigned = holding_pen.assign_messages(session, actor(), now(), ids, request_id) if ids else []
        session.commit()
    except (ValidationError, NotAllowed) as error:
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("mail.inbox"))
    moved = []
    if assigned or not files:
        moved.append(f"{len(assigned)} message{'s' if len(assigned) != 1 else ''}")
    if files:
        moved.append(f"{len(files)} file{'s' if len(files) != 1 else ''}")
    flash(f"{' and '.join(moved)} assigned.", "success")
    return redirect(safe_next(request.form.get("next"), url_for("mail.inbox")))


def _uploaded_files():
    files = []
    for storage in request.files.getlist("files"):
        if storage and storage.filename:
            files.append((storage.filename, storage.read()))
    return files


@bp.post("/upload")
@login_required
def upload():
    session = db_session()
    request_id = bounded_id(request.form.get("request_id"))
    target = get_workable_request(session, actor(), request_id, now()) if request_id else None
    files = _uploaded_files()
    wants_json = request.accept_mimetypes.best == "application/json"
    if not files:
        if wants_json:
            return jsonify({"error": "Choose at least one file."}), 400
        flash("Choose at least one file to upload.", "error")
        return redirect(url_for("requests.detail", request_id=target.id) if target else url_for("mail.inbox"))
    intake = ingest.Intake(session=session, blobs=runtime().blobs, now=now(), actor=actor(), source="upload",
                           request=target)
    summary = inputs.ingest_uploads(intake, files)
    messages = session.exec(select(Message).where(Message.id.in_(summary.message_ids))).all() if summary.message_ids else []
    by_id = {m.id: m for m in messages}
    if wants_json:
        return jsonify({**summary.as_json(), "placed": summary.placed, "summary_html": render_template(
            "mail/_upload_summary.html", summary=summary, messages_by_id=by_id, foia_request=target)})
    return render_template("mail/upload_summary.html", summary=summary, messages_by_id=by_id, foia_request=target)


@bp.get("/messages/<int:message_id>")
def show_message(message_id: int):
    session = db_session()
    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    documents = session.exec(select(Document).where(Document.message_id == message.id,
                                                    access.document_visible_clause(actor(), now()))
                             .order_by(Document.id)).all()
    foia_request = session.get(FoiaRequest, message.request_id) if message.request_id else None
    can_work = foia_request is not None and access.can_work_on(session, actor(), foia_request)
    guesses = likely_requests(session, message, workable_clause(actor())) if foia_request is None else []
    suggested = Status(message.suggested_status) if message.suggested_status else None
    if can_work and message.read_at is None:
        _mark_read(message.id)
    return render_template("mail/message.html", message=message, documents=documents, foia_request=foia_request,
                           can_work=can_work, guesses=guesses, requests=_workable_requests(), suggested=suggested)


def _mark_read(message_id: int) -> None:
    """Opening a reply takes it off the dashboard's new replies (a short write of its own: this is a GET)."""
    with runtime().session(immediate=True) as writer:
        if reading.mark_read(writer, writer.get(Message, message_id), now()):
            writer.commit()


@bp.get("/messages/<int:message_id>/html")
def message_html(message_id: int):
    session = db_session()
    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    body = message.body_html
    if message.request_id and not access.can_work_on_message(session, actor(), message):
        body = body.replace(session.get(FoiaRequest, message.request_id).reply_token, "…")  # the reply address stays secret
    page = f"<!doctype html><meta charset='utf-8'><base target='_blank'>{body}"
    response = make_response(page)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = HTML_BODY_CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/messages/<int:message_id>/raw")
def message_raw(message_id: int):
    session = db_session()
    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    # The raw mail carries the request's reply address: only those who work on it get it.
    if not message.raw_blob_key or not access.can_work_on_message(session, actor(), message):
        abort(404)
    response = send_file(runtime().blobs.open(message.raw_blob_key), mimetype="message/rfc822", as_attachment=True,
                         download_name=f"message-{message.id}.eml")
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/messages/<int:message_id>/files/<int:document_id>")
def attachment(message_id: int, document_id: int):
    from foia.documents.web import DOWNLOAD_CSP

    session = db_session()
    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    document = document_services.get_visible_document(session, actor(), document_id, now())
    if document.message_id != message.id:
        raise NotFound("document")
    response = send_file(runtime().blobs.open(document.blob_key), mimetype="application/octet-stream",
                         as_attachment=True, download_name=document.filename.rsplit("/", 1)[-1])
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@bp.post("/messages/<int:message_id>/private")
@login_required
def set_private(message_id: int):
    session = db_session()
    private = request.form.get("private") == "1"
    try:
        holding_pen.set_message_private(session, actor(), now(), message_id, private)
    except NotAllowed as error:
        session.rollback()
        flash(str(error), "error")
    else:
        session.commit()
        flash("Only the requester and their team see this message now." if private
              else "Everyone who may see the request sees this message now.", "success")
    return redirect(url_for("mail.show_message", message_id=message_id))


@bp.post("/messages/<int:message_id>/status")
@login_required
def confirm_status(message_id: int):
    session = db_session()
    back = safe_next(request.form.get("next"), url_for("mail.show_message", message_id=message_id))
    try:
        if request.form.get("action") == "dismiss":
            holding_pen.dismiss_suggested_status(session, actor(), now(), message_id)
            session.commit()
            flash("Suggestion dismissed.", "info")
        elif request.form.get("confirmed") != "yes" and _closes(session, message_id):
            return _confirm_closing(session, message_id, back)
        else:
            foia_request = holding_pen.apply_suggested_status(session, actor(), now(), message_id,
                                                              runtime().config.get("FOLLOW_UP_DAYS", 10))
            session.commit()
            flash(f"Status changed to “{foia_request.status.label}”.", "success")
    except NotFound:
        raise
    except DomainError as error:
        session.rollback()
        flash(str(error), "error")
    return redirect(back)


def _closes(session, message_id: int) -> bool:
    """Whether applying the message's suggestion would close its request (asked to confirm first)."""
    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    suggested = status_from_value(message.suggested_status)
    return suggested is not None and message.request_id is not None and suggested.closes_request


def _confirm_closing(session, message_id: int, back: str):
    """The request pages' confirmation, before a suggested status closes the request."""
    from foia.requests import forms as request_forms, listing

    message = holding_pen.get_visible_message(session, actor(), message_id, now())
    status = Status(message.suggested_status)
    view = listing.get_request(session, actor(), message.request_id, now())
    get_workable_request(session, actor(), message.request_id, now())
    return render_template("web/confirm.html", view=view, foia_request=view.request, new_status=status,
                           heading=f"Mark it “{status.label}”?", explanation=request_forms.CLOSING_WORDS[status],
                           button=f"Yes, mark it “{status.label}”", danger=False,
                           action=url_for("mail.confirm_status", message_id=message_id),
                           fields={"action": "apply", "next": back})


@bp.app_template_global()
def status_from_value(value: str | None) -> Status | None:
    """A stored status value (a suggestion's) as a Status, for its badge and label."""
    return Status(value) if value in Status._value2member_map_ else None


@bp.app_template_global()
def message_kind_label(kind) -> str:
    """Auto-reply / Bounce / Reply ..., for badges."""
    return {MessageKind.auto_reply: "Auto-reply", MessageKind.bounce: "Bounce", MessageKind.reply: "Reply",
            MessageKind.letter: "Letter", MessageKind.follow_up: "Follow-up", MessageKind.appeal: "Appeal",
            MessageKind.note: "Note"}.get(kind, str(kind))
