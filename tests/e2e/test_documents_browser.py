"""Reading a released PDF in Chromium: its pages are painted (pictures drawn on the server, no PDF
plugin, no script from the file), searched words are marked beside them, and the emails printed in it
keep their afternoon times, also when Chromium itself printed them."""
from __future__ import annotations

import re
from io import BytesIO

from PIL import Image
from playwright.sync_api import expect

from foia.documents.queue import run_until_empty
from foia.requests.models import Status
from tests.factories import PASSWORD
from tests.unit.documents.pdfs import add_document

PRINTOUT_HTML = """<!doctype html><html><head><meta charset="utf-8"><title>printout</title>
<style>body { font: 13px Arial, sans-serif; } .page { page-break-after: always; }</style></head><body>
<div class="page"><p>From: Lt. Dana Whitfield &lt;dwhitfield@police.example&gt;<br>
Sent: Wednesday, December 13, 2017 4:02 PM<br>
To: Pilot Team &lt;pilot@aws.example&gt;<br>
Subject: RE: Rekognition pilot - camera list</p>
<p>The eight downtown cameras are ready for the Rekognition pilot.</p></div>
<div class="page"><p>---------- Forwarded message ---------<br>
From: Pilot Team &lt;pilot@aws.example&gt;<br>
Date: Tue, Dec 12, 2017 at 12:00 PM<br>
Subject: Rekognition pilot - next steps<br>
To: Lt. Dana Whitfield &lt;dwhitfield@police.example&gt;</p>
<p>Body cam footage can be indexed after upload.</p></div>
<div class="page"><p>From: IT Projects &lt;it@police.example&gt;<br>
Sent: 1/5/2018 11:30:00 PM<br>
To: Lt. Dana Whitfield &lt;dwhitfield@police.example&gt;<br>
Subject: Network change</p><p>Only the approved cameras stream out.</p></div>
</body></html>"""


def log_in(page, email):
    page.goto("/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def chromium_printout(browser) -> bytes:
    """The printout as Chromium prints it to PDF (its own fonts, spacing and narrow spaces)."""
    context = browser.new_context()
    try:
        printer = context.new_page()
        printer.set_content(PRINTOUT_HTML)
        return printer.pdf(format="Letter")
    finally:
        context.close()


def test_a_chromium_printout_is_painted_searched_and_keeps_its_times(page, browser, make, session, runtime):
    owner = make.user("reporter@example.org")
    foia_request = make.request(owner=owner, title="Rekognition emails", status=Status.partial)
    document = add_document(session, runtime, chromium_printout(browser), "printout.pdf", request=foia_request)
    assert run_until_empty(runtime).pages == 3
    log_in(page, "reporter@example.org")

    page.goto(f"/documents/{document.id}?q=Rekognition")
    emails = page.locator("section.embedded-messages")
    expect(emails).to_contain_text("Dec 13, 2017 4:02 PM EST")
    expect(emails).to_contain_text("Dec 12, 2017 12:00 PM EST")
    expect(emails).to_contain_text("Jan 5, 2018 11:30 PM EST")
    expect(emails).not_to_contain_text("4:02 AM")

    # No plugin frame: the first page is a picture, and it is really painted (text pixels, not a blank box).
    assert page.locator("iframe").count() == 0
    first = page.get_by_role("img", name="Page 1 of printout.pdf")
    expect(first).to_be_visible()
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())
    shot = Image.open(BytesIO(first.screenshot())).convert("L")
    histogram = shot.histogram()
    dark, light = sum(histogram[:100]), sum(histogram[200:])
    assert dark > 200, "no text was painted on the first page"
    assert light > dark * 5, "the page is not a white sheet with text on it"
    box = first.bounding_box()
    assert box["width"] > 300 and box["height"] > box["width"]
    # The searched word is marked on the page itself, in yellow, as it is in the text beside it.
    colour = Image.open(BytesIO(first.screenshot())).convert("RGB").tobytes()
    marked = sum(1 for red, green, blue in zip(colour[0::3], colour[1::3], colour[2::3])
                 if red > 220 and green > 180 and blue < 150)
    assert marked > 100, "the searched word is not marked on the page"

    # The page's text is beside it, with the searched word marked.
    expect(page.locator("#page-1 mark", has_text="Rekognition").first).to_be_visible()
    first_box, text_box = box, page.locator("#page-1 pre.text").bounding_box()
    assert text_box["x"] > first_box["x"] + first_box["width"] - 1, "the text is not beside the page"


def test_on_a_phone_the_page_fits_the_screen(page, make, session, runtime):
    from tests.unit.documents.pdfs import text_pdf

    owner = make.user("reporter@example.org")
    foia_request = make.request(owner=owner, status=Status.partial)
    document = add_document(session, runtime, text_pdf(["A page about body cams."]), "one.pdf", request=foia_request)
    run_until_empty(runtime)
    log_in(page, "reporter@example.org")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/documents/{document.id}")
    first = page.get_by_role("img", name="Page 1 of one.pdf")
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=first.element_handle())
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
