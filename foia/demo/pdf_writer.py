"""Writes simple text PDFs (Helvetica, one line per text line): the demo's released records, and tests."""
from __future__ import annotations

import io

LETTER = (612, 792)


def _escape(line: str) -> bytes:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("latin-1", "replace")


def text_pdf(pages: list[str], *, font_size: int = 11) -> bytes:
    """A PDF whose pages carry the given text in Helvetica, one line per text line."""
    # Objects: 1 catalog, 2 page tree, 3 font, then a content stream and a page per page.
    body: list[bytes] = []
    page_ids = []
    for index, text in enumerate(pages):
        stream = [b"BT", f"/F1 {font_size} Tf {font_size + 3} TL 72 740 Td".encode()]
        stream += [b"(" + _escape(line) + b") Tj T*" for line in text.split("\n")]
        stream.append(b"ET")
        content = b"\n".join(stream)
        content_id, page_id = 4 + 2 * index, 5 + 2 * index
        body.append(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        body.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {LETTER[0]} {LETTER[1]}] "
                    f"/Resources << /Font << /F1 3 0 R >> >> /Contents {content_id} 0 R >>".encode())
        page_ids.append(page_id)
    header = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        ("<< /Type /Pages /Kids [%s] /Count %d >>" % (" ".join(f"{i} 0 R" for i in page_ids), len(page_ids))).encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    return assemble(header + body)


def assemble(objects: list[bytes]) -> bytes:
    """A PDF file of the given object bodies (numbered from 1, the first being the catalog)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode())
    return out.getvalue()
