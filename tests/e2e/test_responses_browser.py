"""An agency's reply comes in through the browser; its PDF is read and the words are found."""
import re

from playwright.sync_api import expect

from foia.documents.queue import run_until_empty
from foia.requests.models import Status
from tests import mail_samples as samples
from tests.factories import PASSWORD


def test_upload_a_reply_extract_its_pdf_and_search_it(page, make, runtime, tmp_path):
    owner = make.user("reporter@example.org")
    foia_request = make.request(owner=owner, title="Rekognition pilot records", status=Status.submitted)
    reply = tmp_path / "reply.eml"
    reply.write_bytes(samples.reply_with_pdf())
    page.goto("/login")
    page.get_by_label("Email").fill("reporter@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"/requests/{foia_request.id}")
    page.get_by_label("Files to add").set_input_files(str(reply))
    page.get_by_role("button", name="Upload").click()
    summary_box = page.get_by_role("status").filter(has_text="Upload summary")
    expect(summary_box).to_contain_text("1 new message")
    page.reload()
    expect(page.get_by_role("link", name="Records release 2026-117")).to_be_visible()

    # The background worker's job, run here: read the attached PDF.
    summary = run_until_empty(runtime)
    assert summary.documents == 1 and summary.pages == len(samples.RELEASE_PAGES)

    page.get_by_role("searchbox", name="Search documents").fill("rekognition")
    page.get_by_role("searchbox", name="Search documents").press("Enter")
    expect(page.get_by_text("opd-release-2026-117.pdf").first).to_be_visible()
    expect(page.locator("mark", has_text=re.compile("rekognition", re.I)).first).to_be_visible()

    page.get_by_role("link", name=re.compile("[Pp]age 2")).first.click()
    expect(page).to_have_url(re.compile(r"/documents/\d+.*#page-2$"))
    expect(page.locator("mark", has_text=re.compile("rekognition", re.I)).first).to_be_visible()
    expect(page.get_by_text("Pilot evaluation memo").first).to_be_visible()


def test_upload_a_whole_folder_from_the_inbox(page, make, tmp_path):
    make.user("reporter@example.org")
    folder = tmp_path / "release" / "emails"
    folder.mkdir(parents=True)
    (folder / "camara.eml").write_bytes(samples.folded_sender_name())
    (folder / "russian.eml").write_bytes(samples.international_subjects()["cyrillic"][0])
    page.goto("/login")
    page.get_by_label("Email").fill("reporter@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto("/inbox")
    page.get_by_label("Or a whole folder").set_input_files(str(tmp_path / "release"))
    page.get_by_role("button", name="Upload").click()
    expect(page.get_by_role("status").filter(has_text="Upload summary")).to_contain_text("2 new messages")
    page.reload()
    inbox = page.locator("main table")
    expect(inbox).to_contain_text("Câmara Responde: Banco de ideias")
    expect(inbox).to_contain_text("Re: Ваш сайт")
