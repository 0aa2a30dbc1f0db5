"""Real-world mail quirks, on mail written for the tests: bounces, auto-replies, winmail.dat, charsets, names."""
from __future__ import annotations

import pytest

from foia.mail.parse import parse_message
from tests import mail_samples as samples


def test_a_delivery_status_report_is_a_bounce_that_names_the_failed_recipient():
    message = parse_message(samples.delivery_status_bounce(failed="foia@county.example.gov",
                                                           letter_id="<letter-7@foia.test>"))
    assert message.kind == "bounce"
    assert message.failed_recipient == "foia@county.example.gov"
    assert "5.1.1" in message.bounce_reason
    assert "letter-7@foia.test" in message.related_ids  # the returned letter ties it to its request


def test_an_exim_bounce_names_the_failed_recipient_from_its_header():
    message = parse_message(samples.exim_bounce(failed="clerk@town.example.gov"))
    assert (message.kind, message.failed_recipient) == ("bounce", "clerk@town.example.gov")
    assert message.bounce_reason == "550 5.1.1 User unknown"


@pytest.mark.parametrize("build", [samples.exchange_out_of_office, samples.lotus_out_of_office,
                                   samples.generic_out_of_office, samples.messageclass_autoresponder,
                                   samples.ticket_system_autoreply],
                         ids=["exchange", "lotus", "generic", "messagelabs", "ticket system"])
def test_out_of_office_replies_are_auto_replies(build):
    assert parse_message(build()).kind == "auto_reply"


def test_an_agency_reply_is_neither_an_auto_reply_nor_a_bounce():
    for raw in (samples.reply_with_pdf(), samples.same_name_attachments(), samples.latin1_labelled_utf8()):
        assert parse_message(raw).kind == "reply"


def test_two_attachments_with_the_same_name_are_both_kept():
    attachments = parse_message(samples.same_name_attachments()).attachments
    assert [a.filename for a in attachments] == ["hello-world.txt"] * 2
    assert [a.data.strip() for a in attachments] == [b"Second hello", b"First hello"]


def test_attached_mail_and_its_own_attachments_are_kept():
    attachments = parse_message(samples.attached_mail()).attachments
    assert [a.filename for a in attachments] == ["Foi request.eml", "info.jpg"]
    assert b"Subject: Foi request" in attachments[0].data and attachments[1].data.startswith(b"\xff\xd8\xff")


def test_winmail_dat_is_unpacked_into_its_files():
    message = parse_message(samples.reply_with_winmail())
    assert [(a.filename, a.data) for a in message.attachments] == samples.WINMAIL_FILES
    assert message.text.strip() == "Please find our response attached."


def test_a_winmail_dat_that_is_no_tnef_is_kept_as_it_is_with_a_warning():
    message = parse_message(samples.reply_with_winmail(b"MZ this is not a TNEF stream"))
    assert [(a.filename, a.data) for a in message.attachments] == [("winmail.dat", b"MZ this is not a TNEF stream")]
    assert any("winmail.dat could not be unpacked" in w for w in message.warnings)


def test_iso_8859_1_that_is_windows_1252_keeps_its_dashes_and_apostrophes():
    message = parse_message(samples.mislabelled_latin1())
    assert "The records \u2013 all of them \u2013 are the city\u2019s." in message.text
    assert any("windows-1252" in w for w in message.warnings)


def test_utf_8_that_is_windows_1252_is_read_by_a_guess():
    message = parse_message(samples.latin1_labelled_utf8())
    assert message.text.strip() == samples.LATIN_LETTER
    assert any("not valid utf-8" in w for w in message.warnings)


def test_rfc2231_encoded_word_raw_8bit_and_percent_encoded_file_names():
    names = [a.filename for a in parse_message(samples.unusual_filenames()).attachments]
    assert names == samples.UNUSUAL_FILENAMES


def test_inline_uuencode_becomes_an_attachment():
    data = b"Happy today for to be one of peace and serene time.\n" * 3
    message = parse_message(samples.uuencoded("Happy.txt", data))
    assert [(a.filename, a.data) for a in message.attachments] == [("Happy.txt", data)]
    assert "begin 644" not in message.text and "[attachment: Happy.txt]" in message.text
    assert "Regards," in message.text


def test_hz_gb_2312_subject_and_unlabelled_gb2312_body_are_read():
    assert parse_message(samples.hz_subject("向先生您好")).subject == "向先生您好"
    message = parse_message(samples.unlabelled_gb2312("任乐松"))
    assert message.subject == "任乐松"
    assert message.text.strip() == samples.GB2312_LETTER


@pytest.mark.parametrize("name", ["mangled", "emoji", "cyrillic"])
def test_subjects_read_as_their_sender_wrote_them(name):
    raw, subject = samples.international_subjects()[name]
    assert parse_message(raw).subject == subject


def test_sender_name_split_across_folded_encoded_words_has_no_stray_space():
    message = parse_message(samples.folded_sender_name())
    assert message.from_name == "Coordenação de Relacionamento, Pesquisa e Informação/CEDI"
    assert message.subject == "Câmara Responde: Banco de ideias"


def test_missing_final_boundary_keeps_the_text_and_the_file():
    message = parse_message(samples.missing_final_boundary())
    assert message.text.strip() == "The records will follow next week."
    assert [a.filename for a in message.attachments] == ["notes.txt"]
    assert message.date is not None and message.date.tzinfo is not None
