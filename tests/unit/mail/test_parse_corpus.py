"""Every real-world mail in the shared corpus parses; a dozen are checked the way a person would.

The corpus sits beside the project's workspace (the `corpus` fixture skips without it, and fails under
CI=true); test_parse_samples.py checks the same behaviours on mail written for the tests.
"""
from __future__ import annotations

import pytest

from foia.mail.parse import parse_message
from tests.conftest import CORPUS

#: The corpus' mail as paths inside it, listed at collection for one test each; none where it is absent.
FILES = sorted(str(p.relative_to(CORPUS)) for p in CORPUS.rglob("*") if p.is_file() and p.name != "SOURCE.md")


@pytest.fixture
def parsed(corpus):
    """parsed(name): the corpus mail of that file name, parsed."""
    def parse(name: str):
        return parse_message(next(p for p in corpus.rglob(name) if p.is_file()).read_bytes())
    return parse


@pytest.mark.parametrize("path", FILES or [pytest.param(None, id="corpus-absent")])
def test_every_corpus_mail_parses(corpus, path):
    message = parse_message((corpus / path).read_bytes())
    assert message.kind in ("reply", "auto_reply", "bounce")
    assert all(a.filename for a in message.attachments)


def test_corpus_is_there(corpus):
    assert len([p for p in corpus.rglob("*") if p.is_file() and p.name != "SOURCE.md"]) >= 70


def test_tnef_winmail_dat_is_unpacked(parsed):
    names = [a.filename for a in parsed("incoming-request-tnef-attachments.eml").attachments]
    assert names == ["FOI 09-02976i.doc", "FOI 09-02976iii.doc"]


def test_mislabelled_iso_8859_1_is_read_as_windows_1252(parsed):
    message = parsed("mislabelled-as-iso-8859-1.eml")
    assert "\u2013" in message.text  # the en dash byte 0x96
    assert any("windows-1252" in w for w in message.warnings)


def test_hz_gb_2312_subject_is_decoded(parsed):
    assert parsed("unrecognized-encoding-mail.eml").subject.startswith("向先生")


def test_unlabelled_gb2312_body_is_guessed(parsed):
    message = parsed("no-part-charset-bad-utf8.eml")
    assert message.subject == "任乐松"
    assert any(0x4E00 <= ord(c) <= 0x9FFF for c in message.text)


def test_inline_uuencode_becomes_an_attachment(parsed):
    message = parsed("simple-uuencoded-attachment.eml")
    assert [a.filename for a in message.attachments] == ["Happy.txt"]
    assert "begin 6" not in message.text


def test_two_attachments_with_the_same_name_are_both_kept(parsed):
    assert [a.filename for a in parsed("incoming-request-two-same-name.eml").attachments] == ["hello-world.txt"] * 2


def test_attached_mail_and_its_attachments(parsed):
    names = [a.filename for a in parsed("incoming-request-attachment-headers.eml").attachments]
    assert names == ["Foi request.eml", "info.jpg"]


def test_rfc2231_continued_filename_and_raw_8bit_filename(parsed):
    assert "Müller_Michael_Metrobus 6_7_8_26.xlsx" in [a.filename for a in parsed("test_mail_07.txt").attachments]
    assert [a.filename for a in parsed("test_mail_10.txt").attachments] == ["Eingangsbestätigung Akteneinsicht.doc"]
    assert [a.filename for a in parsed("non-utf8-filename.eml").attachments][0] == "RV £12000 or more.xls"


def test_out_of_office_replies_are_auto_replies(parsed):
    for name in ("track-response-exchange-oof-1.eml", "track-response-generic-oof.eml", "track-response-lotus-oof-1.eml",
                 "track-response-messageclass-oof.eml", "test_mail_05.txt"):
        assert parsed(name).kind == "auto_reply", name


def test_bounces_name_the_failed_recipient(parsed):
    assert parsed("bounce_001.txt").kind == "bounce"
    assert parsed("bounce_001.txt").failed_recipient == "nonexistant@example.org"
    assert parsed("bounce_002.txt").failed_recipient == "eschmann@izfp.fhg.de"
    assert parsed("track-response-exim-bounce.eml").kind == "bounce"
    assert parsed("empty-return-path.eml").failed_recipient == "enquiries@cheese.com"


def test_html_only_mail_gets_text_and_safe_html(parsed):
    message = parsed("test_mail_13.txt")
    assert message.text.strip()
    assert "<script" not in message.html.lower()
    assert "http://" not in "".join(part for part in message.html.split('src="')[1:2])


def test_mangled_subject_and_utf8_subject_are_repaired(parsed):
    assert parsed("test_mail_09.txt").subject.startswith("E-Mail Empfangsbestätigung")
    assert parsed("email_utf8-subject.eml").subject == "utf8-subject - äöüß - 🥲"
    assert parsed("russian.eml").subject == "Re: Ваш сайт"


def test_missing_final_boundary_keeps_the_text(parsed):
    message = parsed("multipart-no-final-boundary.eml")
    assert message.text.strip()
    assert message.date is not None and message.date.tzinfo is not None


def test_html_sanitizer_drops_script_and_remote_images():
    raw = (b"From: a@agency.gov\r\nSubject: x\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
           b"<p onclick='x()'>Hello</p><script>alert(1)</script><img src='http://track.example/p.gif'>"
           b"<img src='data:image/png;base64,AAAA'>")
    message = parse_message(raw)
    assert "script" not in message.html and "onclick" not in message.html
    assert "track.example" not in message.html and "data:image/png" in message.html
    assert message.text == "Hello"


def test_sender_name_split_across_folded_encoded_words_has_no_stray_space(parsed):
    message = parsed("quoted-subject-iso8859-1.eml")
    assert message.from_name == "Coordenação de Relacionamento, Pesquisa e Informação/CEDI"
    assert message.subject == "Câmara Responde: Banco de ideias"
