"""Documents: the list with extraction progress, a document's page, downloads, retrying extraction."""
from __future__ import annotations

import io
import re

from flask import Blueprint, abort, flash, redirect, render_template, request, send_file, url_for
from flask_login import login_required
from markupsafe import Markup, escape

from foia.documents import page_images, services
from foia.documents.blobstore import BlobNotFound
from foia.documents.models import ExtractionState
from foia.errors import DomainError
from foia.requests import access
from foia.web.input import bounded_id
from foia.web.context import actor, db_session, now, runtime
from foia.pagination import page_number

bp = Blueprint("documents", __name__)


def query_words(query: str) -> list[str]:
    """The words of a search to highlight: excluded words and OR left out, prefix stars dropped."""
    words = []
    for match in re.finditer(r"(-?)\"?([\w][\w'.@-]*)\*?", query or ""):
        negated, word = match.groups()
        if negated or word == "OR" or len(word) < 2:
            continue
        words.append(word.strip(".'-@"))
    return [w for w in dict.fromkeys(words) if w][:20]


def highlight(text: str, words: list[str]) -> Markup:
    """The text, escaped, with each searched word (and words it starts) marked."""
    if not words:
        return escape(text)
    pattern = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\w*", re.IGNORECASE)
    parts, last = [], 0
    for match in pattern.finditer(text):
        parts.append(escape(text[last:match.start()]))
        parts.append(Markup("<mark>%s</mark>") % match.group())
        last = match.end()
    parts.append(escape(text[last:]))
    return Markup("").join(parts)


@bp.get("/documents")
@login_required
def list_documents():
    state = request.args.get("state") or None
    if state not in {s.value for s in ExtractionState}:
        state = None
    request_id = bounded_id(request.args.get("request"))
    listing = services.list_documents(db_session(), actor(), now(), state=state, request_id=request_id,
                                      number=page_number(request.args.get("page")),
                                      per_page=runtime().config["PAGE_SIZE"])
    return render_template("documents/list.html", listing=listing, state=state, request_id=request_id,
                           states=list(ExtractionState), labels=services.STATE_LABELS,
                           requests=services.filter_requests(db_session(), actor(), now()),
                           page_url=lambda n: url_for("documents.list_documents", state=state, request=request_id, page=n))


@bp.get("/documents/<int:document_id>")
def show_document(document_id: int):
    session = db_session()
    document = services.get_visible_document(session, actor(), document_id, now())
    words = query_words(request.args.get("q", ""))
    pages = services.document_pages(session, document)
    foia_request = None
    if document.request_id is not None:
        from foia.requests.models import FoiaRequest

        foia_request = session.get(FoiaRequest, document.request_id)
    return render_template("documents/show.html", document=document, pages=pages,
                           show_page_images=page_images.has_page_images(document),
                           page_texts=[highlight(page.text, words) for page in pages], words=words,
                           query=request.args.get("q", ""),
                           messages=services.embedded_messages(session, document), foia_request=foia_request,
                           can_work=access.can_work_on_document(session, actor(), document),
                           labels=services.STATE_LABELS)


#: Types a browser shows without running anything; every other download is application/octet-stream.
SHOWN_TYPES = {"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "text/plain", "text/csv"}
#: A downloaded file may run nothing and load nothing, even if a browser were made to render it.
DOWNLOAD_CSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'"


def download_type(content_type: str | None) -> str:
    """The type a download is served as: its own when a browser only displays it, else octet-stream."""
    return content_type if content_type in SHOWN_TYPES else "application/octet-stream"


def _send_blob(key: str, *, filename: str, mimetype: str, as_attachment: bool, sandbox: bool = True):
    try:
        path = runtime().blobs.path(key)
    except BlobNotFound:
        abort(404)
    response = send_file(path, mimetype=mimetype, as_attachment=as_attachment, download_name=filename,
                         conditional=True, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if sandbox:
        response.headers["Content-Security-Policy"] = DOWNLOAD_CSP
    return response


@bp.get("/documents/<int:document_id>/download")
def download(document_id: int):
    document = services.get_visible_document(db_session(), actor(), document_id, now())
    return _send_blob(document.blob_key, filename=document.filename.rsplit("/", 1)[-1],
                      mimetype=download_type(document.content_type), as_attachment=True)


@bp.get("/documents/<int:document_id>/view")
def view_pdf(document_id: int):
    document = services.get_visible_document(db_session(), actor(), document_id, now())
    if document.content_type != "application/pdf":
        abort(404)
    # Not sandboxed: the browser's PDF viewer does not run in a sandboxed document.
    response = _send_blob(document.blob_key, filename=document.filename.rsplit("/", 1)[-1],
                          mimetype="application/pdf", as_attachment=False, sandbox=False)
    return response


@bp.get("/documents/<int:document_id>/pages/<int:number>.png")
@login_required
def page_image(document_id: int, number: int):
    """A picture of one page, drawn by PDFium on the server: the PDF itself never runs in the browser."""
    document = services.get_visible_document(db_session(), actor(), document_id, now())
    words = query_words(request.args.get("q", ""))
    try:
        source, cache = runtime().blobs.path(document.blob_key), runtime().instance_path / "page-images"
        if words:
            marked = page_images.marked_page_image(source, cache, document, number, words)
            response = send_file(io.BytesIO(marked), mimetype="image/png", max_age=0)
        else:
            response = send_file(page_images.page_image(source, cache, document, number), mimetype="image/png",
                                 conditional=True, max_age=0)
    except (BlobNotFound, page_images.PageImageFailed):
        abort(404)
    response.headers["Cache-Control"] = "private, max-age=3600"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.get("/documents/<int:document_id>/searchable.pdf")
def searchable_pdf(document_id: int):
    document = services.get_visible_document(db_session(), actor(), document_id, now())
    if not document.searchable_pdf_key:
        abort(404)
    stem = document.filename.rsplit(".", 1)[0] if "." in document.filename else document.filename
    return _send_blob(document.searchable_pdf_key, filename=f"{stem} (searchable).pdf",
                      mimetype="application/pdf", as_attachment=True)


@bp.post("/documents/<int:document_id>/retry")
@login_required
def retry(document_id: int):
    session = db_session()
    try:
        services.retry_extraction(session, actor(), document_id, now())
        session.commit()
    except DomainError as error:
        if error.status_code == 404:
            raise
        flash(str(error), "error")
    else:
        flash("The document is back in the extraction queue.", "success")
    return redirect(url_for("documents.show_document", document_id=document_id))


@bp.post("/documents/<int:document_id>/private")
@login_required
def set_private(document_id: int):
    session = db_session()
    private = request.form.get("private") == "1"
    services.set_private(session, actor(), document_id, private, now())
    session.commit()
    flash("Only the requester and their team see this document now." if private
              else "Everyone who may see the request sees this document now.", "success")
    return redirect(url_for("documents.show_document", document_id=document_id))


@bp.post("/documents/<int:document_id>/delete")
@login_required
def delete_held(document_id: int):
    session = db_session()
    try:
        document = services.delete_held_document(session, actor(), document_id, now())
    except DomainError as error:
        if error.status_code == 404:
            raise
        session.rollback()
        flash(str(error), "error")
        return redirect(url_for("documents.show_document", document_id=document_id))
    session.commit()
    flash(f"{document.filename} deleted.", "success")
    return redirect(url_for("mail.inbox"))
