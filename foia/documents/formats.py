"""The child's side of reading a file's text: each format's reader, run in the limited process that
foia.documents.reader starts (`python -m foia.documents.formats --serve MEMORY_MB`).

pypdfium2 reads the text and the metadata; pypdf is the fallback engine when PDFium cannot open a
file or a page. Text is NFKC-normalised and stripped of NUL and other control characters
(foia.text.clean). Heavy libraries (and the text and HTML decoders) are imported where a format needs
them, so the child stays small and starts quickly.
"""
from __future__ import annotations

import itertools
import json
import os
import re
import sys
from pathlib import Path

from foia.text.clean import normalized
from foia.text.sniff import reader_kind

#: Address space the child may use, in MiB (the parent passes it on the command line).
DEFAULT_MEMORY_MB = 1536
#: Lines per page when a file without pages (text, HTML, Word) is cut into search units.
LINES_PER_PAGE = 80
#: Fewer word characters than this on a page with an image: the page is a scan and needs OCR.
MIN_TEXT_LAYER_CHARS = 3
#: Largest rendered side and area in pixels, so a poster-sized page cannot exhaust memory.
MAX_RENDER_SIDE = 10000
MAX_RENDER_PIXELS = 60_000_000
#: Resolution scanned pages are drawn at for Tesseract.
OCR_DPI = 300
#: A PDF with at most this many scanned pages has them drawn by the reader as it reads the file.
SCANS_DRAWN_WHILE_READING = 4
#: More pages than this and the file is refused (a real release is split long before).
MAX_PAGES = 20000


def _limit_resources(memory_mb: int) -> None:
    import resource

    limit = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _chunk_pages(text: str) -> list[str]:
    """A file without pages as page texts: form feeds, else every LINES_PER_PAGE lines."""
    text = normalized(text)
    parts = text.split("\f") if "\f" in text else [text]
    pages: list[str] = []
    for part in parts:
        lines = part.split("\n")
        for start in range(0, max(len(lines), 1), LINES_PER_PAGE):
            pages.append("\n".join(lines[start:start + LINES_PER_PAGE]).strip("\n"))
    return pages


def _plain(kind: str, texts: list[str], engine: str) -> dict:
    return {"state": "done", "kind": kind, "texts": texts, "method": "plain", "engine": engine}


def _docx_text(path: str) -> str:
    import docx

    document = docx.Document(path)
    parts = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(parts)


def _save_png(image, path: Path, dpi: int, compress_level: int = 1) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, format="PNG", compress_level=compress_level, dpi=(dpi, dpi))


def _read_image(path: str, folder: Path) -> dict:
    from PIL import Image, ImageSequence

    Image.MAX_IMAGE_PIXELS = MAX_RENDER_PIXELS
    images = {}
    try:
        with Image.open(path) as image:
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                target = folder / f"image-{index + 1}.png"
                dpi = frame.info.get("dpi", (300, 300))[0] or 300
                _save_png(frame.convert("L"), target, int(dpi))
                images[str(index + 1)] = str(target)
                if index >= 999:
                    break
    except Image.DecompressionBombError:
        return {"state": "unsupported", "kind": "image",
                "error": f"This image is larger than {MAX_RENDER_PIXELS // 1_000_000} megapixels, "
                         "so it was not read (it could exhaust the server's memory)."}
    return {"state": "done", "kind": "image", "texts": [""] * len(images), "images": images, "engine": "pillow"}


_METADATA = (("Title", "title"), ("Author", "author"), ("Subject", "subject"), ("Creator", "creator"),
             ("Producer", "producer"), ("CreationDate", "created"), ("ModDate", "modified"))


def _pdf_details(document) -> dict:
    """What a PDF says about itself (title, author, producer, dates), read by PDFium."""
    try:
        metadata = document.get_metadata_dict(skip_empty=True)
    except Exception:
        return {}
    details = {}
    for key, label in _METADATA:
        value = metadata.get(key)
        if value:
            text = normalized(str(value))[:300]
            details[label] = _pdf_date(text) if label in ("created", "modified") else text
    return details


def _pypdf_reader(path: str):
    """A pypdf reader for the fallback engine (decrypted with the empty password), or None."""
    import pypdf

    try:
        reader = pypdf.PdfReader(path, strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            return None
        return reader
    except Exception:
        return None


def _pypdf_details(reader) -> dict:
    try:
        metadata = reader.metadata or {}
    except Exception:
        return {}
    details = {}
    for key, label in _METADATA:
        value = metadata.get("/" + key)
        if value:
            text = normalized(str(value))[:300]
            details[label] = _pdf_date(text) if label in ("created", "modified") else text
    return details


def _pdf_date(value: str) -> str:
    """D:20180522101400-04'00' as 2018-05-22 10:14 -04:00; anything else as it was."""
    match = re.match(r"D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz]|[+-]\d{2}'?\d{2}'?)?", value)
    if not match:
        return value
    year, month, day, hour, minute, _second, zone = match.groups()
    text = "-".join(part for part in (year, month, day) if part)
    if hour:
        text += f" {hour}:{minute or '00'}"
    if zone:
        text += " UTC" if zone.upper() == "Z" else f" {zone[:3]}:{zone[-3:].strip(chr(39))[-2:]}"
    return text


def _has_image(page, pdfium) -> bool:
    try:
        for _ in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=5):
            return True
    except Exception:
        return True
    return False


_WORD_CHAR = re.compile(r"[^\W_]")


def _word_chars(text: str) -> int:
    """Letters and digits on the page, counted only as far as the OCR threshold."""
    return sum(1 for _ in itertools.islice(_WORD_CHAR.finditer(text), MIN_TEXT_LAYER_CHARS))


def _too_many_pages(count: int, details: dict) -> dict:
    return {"state": "unsupported", "kind": "pdf", "details": details,
            "error": f"This PDF says it has {count:,} pages, more than the {MAX_PAGES:,} that are read; "
                     "split it into smaller files and upload them again."}


def _read_pdf(path: str, folder: Path | None = None) -> dict:
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        message = str(error).lower()
        if "password" in message:
            return {"state": "encrypted", "kind": "pdf",
                    "error": "This PDF is protected by a password, so its text cannot be read. "
                             "Ask the agency for a copy without a password."}
        pypdf_reader = _pypdf_reader(path)
        if pypdf_reader is not None:
            return _read_pdf_with_pypdf(pypdf_reader, _pypdf_details(pypdf_reader))
        if "format" in message or "file" in message:
            return {"state": "failed", "kind": "pdf",
                    "error": "This PDF is damaged and could not be read by either PDF reader."}
        return {"state": "failed", "kind": "pdf", "error": f"This PDF could not be read ({error})."}
    texts: list[str] = []
    scans: list[int] = []
    engine = "pdfium"
    pypdf_reader = False  # opened only if a page needs the fallback
    try:
        details = _pdf_details(document)
        count = len(document)
        if count == 0:
            return {"state": "failed", "kind": "pdf", "details": details, "error": "This PDF has no pages."}
        if count > MAX_PAGES:
            return _too_many_pages(count, details)
        for index in range(count):
            try:
                page = document[index]
                textpage = page.get_textpage()
                text = normalized(textpage.get_text_range())
                if _word_chars(text) < MIN_TEXT_LAYER_CHARS and _has_image(page, pdfium):
                    scans.append(index + 1)
                textpage.close()
                page.close()
            except Exception:
                if pypdf_reader is False:
                    pypdf_reader = _pypdf_reader(path)
                text = _pypdf_page_text(pypdf_reader, index)
                engine = "pdfium+pypdf"
            texts.append(text)
        images = _draw_few_scans(document, scans, folder)
    finally:
        document.close()
    return {"state": "done", "kind": "pdf", "texts": texts, "scans": scans, "images": images, "details": details,
            "engine": engine}


def _ocr_picture(page, folder: Path, number: int) -> str:
    """The picture of a scanned page Tesseract reads: the scan's own JPEG when the page is just that,
    else the page drawn at OCR_DPI in grey, uncompressed (Tesseract reads it once, right after)."""
    return _scan_as_jpeg(page, folder / f"page-{number}.jpg") or \
        _draw_page(page, folder / f"page-{number}.png", OCR_DPI, True, MAX_RENDER_SIDE, 0)


def _scan_as_jpeg(page, target: Path) -> str | None:
    """A page that is one JPEG covering it, upright, scanned at 150-400 dpi: that JPEG as it is in the file
    (no drawing, no re-encoding), with its resolution written in its JFIF header. None for anything else."""
    import pypdfium2.raw as pdfium_c

    try:
        if page.get_rotation():
            return None
        objects = list(page.get_objects(max_depth=1))
        if len(objects) != 1 or objects[0].type != pdfium_c.FPDF_PAGEOBJ_IMAGE:
            return None
        image = objects[0]
        if image.get_filters() != ["DCTDecode"]:
            return None
        a, b, c, d, _e, _f = image.get_matrix().get()
        width, height = page.get_size()
        if b or c or a < 0.95 * width or d < 0.95 * height:
            return None
        pixels_wide, pixels_high = image.get_px_size()
        dpi = pixels_wide * 72 / a
        if abs(dpi - pixels_high * 72 / d) > 2 or not 150 <= dpi <= 400 or pixels_wide * pixels_high > MAX_RENDER_PIXELS:
            return None
        data = bytearray(image.get_data(decode_simple=False))
    except Exception:
        return None
    if data[:4] != b"\xff\xd8\xff\xe0" or data[6:11] != b"JFIF\x00":
        return None  # no JFIF header to carry the resolution (Adobe, CMYK, ...): drawn instead
    dots = round(dpi).to_bytes(2, "big")
    data[13:18] = b"\x01" + dots + dots  # units: dots per inch; X and Y density
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    return str(target)


def _draw_few_scans(document, scans: list[int], folder: Path | None) -> dict[str, str]:
    """A PDF with a few scanned pages (a scanned letter): draw them for OCR now, while the file is open,
    rather than opening it again in another child. More pages are drawn later, round by round."""
    if folder is None or not scans or len(scans) > SCANS_DRAWN_WHILE_READING:
        return {}
    images = {}
    try:
        for number in scans:
            page = document[number - 1]
            images[str(number)] = _ocr_picture(page, folder, number)
            page.close()
    except Exception:  # the later rounds draw (or fail) them as before
        return {}
    return images


def _pypdf_page_text(reader, index: int) -> str:
    if reader is None:
        return ""
    try:
        return normalized(reader.pages[index].extract_text() or "")
    except Exception:
        return ""


def _read_pdf_with_pypdf(reader, details: dict) -> dict:
    try:
        count = len(reader.pages)
    except Exception:
        return {"state": "failed", "kind": "pdf", "details": details,
                "error": "This PDF is damaged and could not be read by either PDF reader."}
    if count == 0:
        return {"state": "failed", "kind": "pdf", "details": details, "error": "This PDF has no pages."}
    if count > MAX_PAGES:
        return _too_many_pages(count, details)
    texts = [_pypdf_page_text(reader, index) for index in range(count)]
    return {"state": "done", "kind": "pdf", "texts": texts, "details": details, "engine": "pypdf"}


def _read(request: dict) -> dict:
    path = request["path"]
    folder = Path(request["folder"])
    try:
        with open(path, "rb") as handle:
            head = handle.read(8192)
    except FileNotFoundError:
        return {"state": "failed", "error": "The stored file is missing, so its text cannot be read."}
    if not head:
        return {"state": "failed", "error": "The file is empty (0 bytes), so there is no text to read."}
    kind = reader_kind(head, request.get("filename", ""), request.get("content_type", ""))
    if kind == "pdf":
        return _read_pdf(path, folder)
    if kind == "not_pdf":
        return {"state": "failed", "kind": "pdf",
                "error": "The file is called a PDF, but its contents are not a PDF (it may be damaged or cut short)."}
    if kind == "image":
        return _read_image(path, folder)
    if kind == "docx":
        try:
            return _plain("docx", _chunk_pages(_docx_text(path)), "python-docx")
        except Exception:
            return {"state": "failed", "kind": "docx", "error": "This Word document is damaged and could not be read."}
    # Imported here, not at the top: they cost the child a fifth of its start, and most files are PDFs.
    from foia.text.charsets import decode_text
    from foia.text.html_text import html_to_text

    data = Path(path).read_bytes()
    if kind == "html":
        return _plain("html", _chunk_pages(html_to_text(decode_text(data, None))), "html")
    if kind == "text":
        return _plain("text", _chunk_pages(decode_text(data, None)), "text")
    return {"state": "unsupported", "kind": "other",
            "error": "Text cannot be read from files of this type; the file is kept and can be downloaded."}


def _render(request: dict) -> dict:
    import pypdfium2 as pdfium

    folder = Path(request["folder"])
    dpi = int(request.get("dpi", 300))
    grayscale = bool(request.get("grayscale", True))
    max_side = min(MAX_RENDER_SIDE, int(request.get("max_side", MAX_RENDER_SIDE)))
    images = {}
    document = pdfium.PdfDocument(request["path"])
    try:
        for number in request["pages"]:
            page = document[number - 1]
            if request.get("for_ocr"):
                images[number] = _ocr_picture(page, folder, number)
            else:
                images[number] = _draw_page(page, folder / f"page-{number}.png", dpi, grayscale, max_side, 1)
            page.close()
    finally:
        document.close()
    return {"images": images}


def _draw_page(page, target: Path, dpi: int, grayscale: bool, max_side: int, compress_level: int) -> str:
    width, height = page.get_size()
    # A little under the caps: PDFium rounds the bitmap's sides up.
    scale = 0.999 * min(dpi / 72, max_side / max(width, height, 1), (MAX_RENDER_PIXELS / max(width * height, 1)) ** 0.5)
    bitmap = page.render(scale=scale, grayscale=grayscale)
    _save_png(bitmap.to_pil(), target, max(1, round(scale * 72)), compress_level)
    return str(target)


def _find(request: dict) -> dict:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(request["path"])
    try:
        page = document[int(request["page"]) - 1]
        if page.get_rotation():
            return {"crop": list(page.get_cropbox()), "boxes": []}  # boxes on a turned page would land elsewhere
        text = page.get_textpage()
        boxes = []
        for word in request["words"][:20]:
            searcher = text.search(word, match_case=False)
            while len(boxes) < 2000 and (found := searcher.get_next()) is not None:
                start, count = found
                boxes += [list(text.get_rect(index)) for index in range(text.count_rects(start, count))]
        return {"crop": list(page.get_cropbox()), "boxes": boxes}
    finally:
        document.close()


def _merge(request: dict) -> dict:
    import pypdf

    replaced = {int(k): v for k, v in request["pages"].items()}
    writer = pypdf.PdfWriter()
    try:
        reader = pypdf.PdfReader(request["path"], strict=False)
        if reader.is_encrypted:
            reader.decrypt("")
        originals = list(reader.pages)
    except Exception:
        originals = []
    if not originals and not replaced:
        return {"ok": False}
    count = len(originals) or max(replaced)
    for number in range(1, count + 1):
        if number in replaced:
            writer.add_page(pypdf.PdfReader(replaced[number]).pages[0])
        elif number <= len(originals):
            writer.add_page(originals[number - 1])
        else:
            return {"ok": False}
    with open(request["output"], "wb") as handle:
        writer.write(handle)
    return {"ok": True}


def _encode(answer: dict) -> bytes:
    return json.dumps(answer, default=str).encode() + b"\n"


def serve(memory_mb: int) -> None:
    """The child's loop: one JSON request per line on stdin, one JSON answer per line out."""
    _limit_resources(memory_mb)
    # Libraries that print must not corrupt the answers: answers go to a private copy of stdout.
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    import logging
    import warnings

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    try:  # now, while the parent is still claiming the first file, not when that file is here
        import pypdfium2  # noqa: F401
    except ImportError:
        pass
    handlers = {"read": _read, "render": _render, "merge": _merge, "find": _find}
    for line in sys.stdin.buffer:
        request = json.loads(line)
        try:
            answer = handlers[request["op"]](request)
        except MemoryError:
            answers.write(_encode({"crash": "The file needs more memory to read than is allowed, so it was stopped."}))
            answers.flush()
            sys.exit(3)
        except Exception as error:
            if request["op"] == "read":
                answer = {"state": "failed", "error": f"The file could not be read ({type(error).__name__}: {error})."[:500]}
            else:
                answer = {"crash": f"The file could not be processed ({type(error).__name__})."}
        answers.write(_encode(answer))
        answers.flush()
    # The parent closed the pipe: every answer is written, so leave without tearing the interpreter down
    # (the parent waits for this exit at the end of each run).
    os._exit(0)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--serve":
        serve(int(sys.argv[2]) if len(sys.argv) > 2 else DEFAULT_MEMORY_MB)
