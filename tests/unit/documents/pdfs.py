"""PDFs made in the tests: a text layer written by hand, scans drawn with Pillow, encrypted and broken files."""
from __future__ import annotations

import io

from foia.demo.pdf_writer import LETTER, assemble as _assemble, text_pdf  # noqa: F401  (re-exported)


def page_image(text: str, *, dpi: int = 150, size: int = 36):
    """A white letter-size page with black text drawn on it, as a Pillow image."""
    from PIL import Image, ImageDraw, ImageFont

    width, height = int(8.5 * dpi), int(11 * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("DejaVuSans.ttf", size) if _has_dejavu() else ImageFont.load_default(size=size)
    y = dpi
    for line in text.split("\n"):
        draw.text((dpi, y), line, fill=0, font=font)
        y += int(size * 1.6)
    return image


def _has_dejavu() -> bool:
    from PIL import ImageFont

    try:
        ImageFont.truetype("DejaVuSans.ttf", 10)
        return True
    except OSError:
        return False


def scanned_pdf(pages: list[str], *, dpi: int = 150) -> bytes:
    """An image-only PDF (no text layer), like a scan of printed pages."""
    images = [page_image(text, dpi=dpi) for text in pages]
    out = io.BytesIO()
    images[0].save(out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return out.getvalue()


def encrypted_pdf(pages: list[str], password: str = "secret") -> bytes:
    """A text PDF that needs a password to open."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(pages)))
    writer.encrypt(user_password=password, owner_password=password + "-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def owner_only_encrypted_pdf(pages: list[str]) -> bytes:
    """A text PDF encrypted with an empty user password (opens without asking, like many agency PDFs)."""
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(text_pdf(pages)))
    writer.encrypt(user_password="", owner_password="agency-owner", algorithm="AES-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


EMAIL_PRINTOUT = [
    "From: Smith, John <jsmith@ocfl.net>\n"
    "Sent: Tuesday, May 22, 2018 10:14 AM\n"
    "To: Doe, Jane <jdoe@ocfl.net>; Roe, Rick <rroe@ocfl.net>\n"
    "Cc: Chief's Office <chief@ocfl.net>\n"
    "Subject: RE: Rekognition pilot\n"
    "\n"
    "Jane, the Rekognition pilot starts next week with the body cam feeds.\n"
    "We will review real-time matching after thirty days.",
    "John Smith\nOrlando Police Department\n\n"
    "From: Doe, Jane <jdoe@ocfl.net>\n"
    "Sent: Monday, May 21, 2018 4:02 PM\n"
    "To: Smith, John <jsmith@ocfl.net>\n"
    "Subject: Rekognition pilot\n"
    "\n"
    "Can you confirm the start date for the pilot?",
    "From: Amazon Web Services <aws-noreply@amazon.com>\n"
    "Date: 05/18/2018 09:30 AM\n"
    "To: Smith, John <jsmith@ocfl.net>\n"
    "Subject: Your account\n"
    "\n"
    "Welcome to the service. This message continues on the next page.",
    "More of the welcome message.\nNothing else here.",
]


def add_document(session, runtime, data: bytes, filename: str = "release.pdf", *, request=None,
                 content_type: str | None = None):
    """Store bytes as a queued Document the way mail ingest does, and return it."""
    from tests.factories import Factories

    fields = {"content_type": content_type} if content_type is not None else {}
    return Factories(session).document(request, data=data, blobs=runtime.blobs, filename=filename, **fields)
