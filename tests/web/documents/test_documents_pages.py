"""The documents pages and commands, as a user and a script would see them."""
from __future__ import annotations

import json


from foia.accounts.models import User
from foia.documents.models import ExtractionState
from tests.unit.documents.pdfs import EMAIL_PRINTOUT, add_document, text_pdf


def test_list_shows_only_documents_the_user_may_see(client, make, session, runtime, extract_all):
    owner, stranger = make.user(), make.user()
    mine = add_document(session, runtime, text_pdf(["mine"]), "mine.pdf", request=make.request(owner=owner))
    theirs = add_document(session, runtime, text_pdf(["theirs"]), "theirs.pdf", request=make.request(owner=stranger))
    add_document(session, runtime, text_pdf(["pen"]), "holding-pen.pdf")
    extract_all()

    client.login(owner.email)
    page = client.get("/documents").get_data(as_text=True)
    assert "mine.pdf" in page
    assert "theirs.pdf" not in page and "holding-pen.pdf" not in page
    assert 'value="1"' in page and "from <strong>1</strong> of <strong>1</strong>" in page
    assert client.get(f"/documents/{theirs.id}").status_code == 404
    assert client.get(f"/documents/{theirs.id}/download").status_code == 404
    assert client.get(f"/documents/{mine.id}").status_code == 200


def test_admins_see_the_holding_pen(client, make, session, runtime):
    admin = make.user(is_admin=True)
    pen = add_document(session, runtime, text_pdf(["pen"]), "holding-pen.pdf")
    client.login(admin.email)
    page = client.get("/documents?state=queued").get_data(as_text=True)
    assert "holding-pen.pdf" in page and "Holding pen" in page
    assert "from <strong>0</strong> of <strong>1</strong>" in page
    assert client.get(f"/documents/{pen.id}").status_code == 200


def test_document_page_shows_text_by_page_with_the_searched_words_marked(client, make, session, runtime, extract_all):
    owner = make.user()
    document = add_document(session, runtime, text_pdf(EMAIL_PRINTOUT), "emails.pdf", request=make.request(owner=owner))
    extract_all()
    client.login(owner.email)

    page = client.get(f"/documents/{document.id}?q=rekognition+-pilot").get_data(as_text=True)

    assert 'id="page-1"' in page and 'id="page-4"' in page
    assert "<mark>Rekognition</mark>" in page
    assert "<mark>pilot</mark>" not in page
    assert "Smith, John &lt;jsmith@ocfl.net&gt;" in page  # the embedded emails, escaped
    assert 'href="#page-3">3–4</a>' in page
    assert "<iframe" not in page  # the PDF never runs in our pages: its pages are pictures drawn on the server
    assert f'src="/documents/{document.id}/pages/1.png?q=rekognition+-pilot"' in page
    assert f'src="/documents/{document.id}/pages/4.png?q=rekognition+-pilot"' in page
    assert "Retry extraction" in page


def test_download_is_an_attachment_that_is_never_sniffed(client, make, session, runtime):
    owner = make.user()
    data = b"<script>alert(1)</script>"
    document = add_document(session, runtime, data, "evil.html", request=make.request(owner=owner),
                            content_type="text/html")
    client.login(owner.email)
    response = client.get(f"/documents/{document.id}/download")
    assert response.data == data
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    response.close()
    assert client.get(f"/documents/{document.id}/view").status_code == 404
    assert client.get(f"/documents/{document.id}/searchable.pdf").status_code == 404


def test_inline_view_serves_the_pdf(client, make, session, runtime):
    owner = make.user()
    document = add_document(session, runtime, text_pdf(["x"]), "x.pdf", request=make.request(owner=owner))
    client.login(owner.email)
    response = client.get(f"/documents/{document.id}/view")
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline")
    response.close()


def test_retry_puts_a_failed_document_back_in_the_queue(client, make, session, runtime, extract_all):
    owner, viewer = make.user(), make.user()
    from foia.requests.models import Visibility

    foia_request = make.request(owner=owner, visibility=Visibility.public)
    document = add_document(session, runtime, b"%PDF-1.4 broken", "broken.pdf", request=foia_request)
    extract_all()
    client.login(viewer.email)
    page = client.get(f"/documents/{document.id}").get_data(as_text=True)
    assert "damaged" in page and "Retry extraction" not in page
    client.post_form(f"/documents/{document.id}/retry")
    session.refresh(document)
    assert document.state == ExtractionState.failed

    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(owner.email)
    response = client.post_form(f"/documents/{document.id}/retry", follow_redirects=True)
    assert "back in the extraction queue" in response.get_data(as_text=True)
    session.commit()
    session.refresh(document)
    assert document.state == ExtractionState.queued


def test_request_page_lists_the_requests_documents(client, make, session, runtime):
    foia_request = make.request()
    add_document(session, runtime, text_pdf(["x"]), "answer.pdf", request=foia_request)
    client.login(session.get(User, foia_request.owner_id).email)
    html = client.get(f"/requests/{foia_request.id}").get_data(as_text=True)
    assert "answer.pdf" in html and "Waiting for extraction" in html and "Documents (1)" in html


def test_cli_extract_documents_and_text(runner, session, runtime):
    document = add_document(session, runtime, text_pdf(["first page", "second page"]), "two.pdf")

    result = runner.invoke(args=["extract", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"documents": 1, "pages": 2, "ocr_pages": 0, "failed": 0}

    result = runner.invoke(args=["documents", "--json"])
    assert json.loads(result.output) == [{"id": document.id, "filename": "two.pdf", "sha256": document.sha256,
                                          "pages": 2, "state": "done"}]

    result = runner.invoke(args=["text", str(document.id)])
    assert result.exit_code == 0
    assert result.output.rstrip("\n") == "first page\fsecond page"

    for bad in ("999", "abc"):
        result = runner.invoke(args=["text", bad])
        assert result.exit_code != 0
        assert len(result.output.strip().splitlines()) == 1


def test_cli_lists_every_document_as_the_models_hold_it(runner, make, session, runtime):
    """`foia documents` reads Core tables (foia.documents.tables), not the models: it must print what they hold,
    for every document (private, held, in anyone's request), as it printed when it read through the ORM."""
    from sqlmodel import select

    from foia.documents.models import Document

    theirs = make.request()
    add_document(session, runtime, text_pdf(["a"]), "private.pdf", request=theirs).is_private = True
    add_document(session, runtime, text_pdf(["b"]), "held in the pen.pdf")
    done = add_document(session, runtime, text_pdf(["c", "d"]), "done.pdf", request=make.request())
    done.state, done.page_count = ExtractionState.done, 2
    session.commit()

    models = list(session.exec(select(Document).order_by(Document.id)))
    assert runner.invoke(args=["documents"]).output == "".join(
        f"{d.id:>6}  {d.state.value:<11}  {d.page_count or 0:>5} p.  {d.filename}\n" for d in models)
    assert json.loads(runner.invoke(args=["documents", "--json"]).output) == [
        {"id": d.id, "filename": d.filename, "sha256": d.sha256, "pages": d.page_count or 0, "state": d.state.value}
        for d in models]


def test_cli_lists_no_documents_in_one_line(runner):
    result = runner.invoke(args=["documents"])
    assert (result.exit_code, result.output) == (0, "No documents yet.\n")


def test_cli_says_once_that_tesseract_is_missing(runner, session, runtime):
    from tests.unit.documents.pdfs import scanned_pdf

    runtime.config["TESSERACT_PATH"] = ""
    add_document(session, runtime, scanned_pdf(["one"]), "a.pdf")
    add_document(session, runtime, scanned_pdf(["two"]), "b.pdf")
    result = runner.invoke(args=["extract"])
    assert result.exit_code == 0
    assert result.output.count("Tesseract is not installed") == 1
    assert "2 documents need OCR" in result.output


def test_holding_pen_documents_are_visible_to_whoever_imported_them(client, make, session, runtime):
    importer, other = make.user(), make.user()
    message = make.message(None, subject="Records", imported_by_id=importer.id)
    document = add_document(session, runtime, text_pdf(["pen"]), "pen.pdf")
    document.message_id = message.id
    session.add(document)
    session.commit()

    client.login(other.email)
    assert client.get(f"/documents/{document.id}").status_code == 404
    client.post("/logout", data={"csrf_token": client.csrf_token()})
    client.login(importer.email)
    assert "pen.pdf" in client.get("/documents").get_data(as_text=True)
    assert client.get(f"/documents/{document.id}").status_code == 200


def test_pages_are_drawn_on_the_server_for_those_who_may_see_them(client, make, session, runtime, extract_all):
    from io import BytesIO

    from PIL import Image

    owner, stranger = make.user(), make.user()
    document = add_document(session, runtime, text_pdf(EMAIL_PRINTOUT), "emails.pdf", request=make.request(owner=owner))
    extract_all()
    client.login(owner.email)

    response = client.get(f"/documents/{document.id}/pages/1.png")
    assert response.status_code == 200 and response.mimetype == "image/png"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    image = Image.open(BytesIO(response.data)).convert("L")
    assert 800 <= image.width <= 2000 and image.height > image.width  # a portrait page at about 110 dpi
    dark = sum(image.histogram()[:128])
    assert dark > 500, "the page's text is drawn"
    response.close()
    again = client.get(f"/documents/{document.id}/pages/1.png")  # kept, not drawn twice
    assert again.status_code == 200 and len(again.data) == len(response.data)
    again.close()

    def yellow(png: bytes) -> int:
        data = Image.open(BytesIO(png)).convert("RGB").tobytes()
        return sum(1 for red, green, blue in zip(data[0::3], data[1::3], data[2::3])
                   if red > 220 and green > 180 and blue < 150)

    marked = client.get(f"/documents/{document.id}/pages/1.png?q=rekognition")
    assert marked.status_code == 200 and marked.mimetype == "image/png"
    assert yellow(marked.data) > 300, "the searched word is marked on the page"
    assert yellow(response.data) == 0
    unmarked = client.get(f"/documents/{document.id}/pages/1.png?q=zzqxv")
    assert yellow(unmarked.data) == 0
    unmarked.close()
    page = client.get(f"/documents/{document.id}?q=rekognition").get_data(as_text=True)
    assert f'src="/documents/{document.id}/pages/1.png?q=rekognition"' in page

    assert client.get(f"/documents/{document.id}/pages/5.png").status_code == 404
    assert client.get(f"/documents/{document.id}/pages/0.png").status_code == 404
    client.post_form("/logout")
    client.login(stranger.email)
    assert client.get(f"/documents/{document.id}/pages/1.png").status_code == 404


def test_files_that_are_not_readable_pdfs_get_no_page_pictures(client, make, session, runtime, extract_all):
    owner = make.user()
    foia_request = make.request(owner=owner)
    broken = add_document(session, runtime, b"%PDF-1.4 broken", "broken.pdf", request=foia_request)
    html = add_document(session, runtime, b"<p>hello</p>", "page.html", request=foia_request, content_type="text/html")
    extract_all()
    client.login(owner.email)
    for document in (broken, html):
        assert client.get(f"/documents/{document.id}/pages/1.png").status_code == 404
        assert "pages/1.png" not in client.get(f"/documents/{document.id}").get_data(as_text=True)
