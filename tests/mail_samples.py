"""Agency mail written for the tests: the quirks the shared corpus shows in real mail, in a fresh clone too.

Each builder returns the bytes of one email as the mail server or client named in its docstring writes
it. The corpus (../shared/corpus, only in the project's workspace) stays the real-world check; these keep
each behaviour tested where it is absent.
"""
from __future__ import annotations

import base64
import binascii
import struct

from foia.demo.pdf_writer import text_pdf

AGENCY = "records@city.example.gov"
DESK = "requests@foia.test"
DATE = "Mon, 2 Mar 2026 10:00:00 -0500"


def _mail(headers: str | bytes, body: str | bytes) -> bytes:
    """Header lines (without the blank line after them) and a body, joined with CRLF line ends."""
    head = headers.encode() if isinstance(headers, str) else headers
    body = body.encode() if isinstance(body, str) else body
    return (head.strip(b"\n") + b"\n\n" + body).replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def _base64_lines(data: bytes) -> str:
    encoded = base64.b64encode(data).decode()
    return "\n".join(encoded[i:i + 76] for i in range(0, len(encoded), 76))


# --- replies with files ---------------------------------------------------------------------------

#: The pages of the sample release: "Rekognition" only on page 2.
RELEASE_PAGES = [
    "Orlando Police Department\nPublic records release 2026-117\nCover letter to the requester",
    "Pilot evaluation memo\nThe department tested Amazon Rekognition for real-time face matching.\nBody cam footage was not used.",
    "Invoice summary\nNo fees are charged for this release.",
]


def release_pdf() -> bytes:
    """A three-page text PDF of released records."""
    return text_pdf(RELEASE_PAGES)


def reply_with_pdf(pdf: bytes | None = None, filename: str = "opd-release-2026-117.pdf",
                   subject: str = "Records release 2026-117", message_id: str = "<release-117@city.example.gov>",
                   to: str = DESK) -> bytes:
    """Gmail: a short note and a base64 PDF attachment."""
    pdf = release_pdf() if pdf is None else pdf
    return _mail(f"""MIME-Version: 1.0
Date: {DATE}
Message-ID: {message_id}
Subject: {subject}
From: Jane Clerk <{AGENCY}>
To: {to}
Content-Type: multipart/mixed; boundary=0016e644b8d0e3913b04b600bbe4""", f"""
--0016e644b8d0e3913b04b600bbe4
Content-Type: text/plain; charset=ISO-8859-1

The records you asked for are enclosed.

--0016e644b8d0e3913b04b600bbe4
Content-Type: application/pdf; name="{filename}"
Content-Disposition: attachment; filename="{filename}"
Content-Transfer-Encoding: base64

{_base64_lines(pdf)}
--0016e644b8d0e3913b04b600bbe4--
""")


def same_name_attachments() -> bytes:
    """Mutt: two different files both called hello-world.txt."""
    return _mail(f"""From: {AGENCY}
To: FOI Person <{DESK}>
Subject: Same attachment twice
Message-ID: <same-name@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="Q68bSM7Ycu6FN28Q"
Content-Disposition: inline""", """
--Q68bSM7Ycu6FN28Q
Content-Type: text/plain; charset=us-ascii
Content-Disposition: inline

Two files with one name.

--Q68bSM7Ycu6FN28Q
Content-Type: text/plain; charset=us-ascii
Content-Disposition: attachment; filename="hello-world.txt"

Second hello

--Q68bSM7Ycu6FN28Q
Content-Type: text/plain; charset=us-ascii
Content-Disposition: attachment; filename="hello-world.txt"

First hello

--Q68bSM7Ycu6FN28Q--
""")


def attached_mail() -> bytes:
    """Outlook forwarding as an attachment: the original request (with its photo) attached as message/rfc822."""
    photo = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + bytes(range(64)) + b"\xff\xd9"
    return _mail(f"""From: Jane Clerk <{AGENCY}>
To: {DESK}
Subject: FW: Foi request
Message-ID: <forward-1@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="outer"
""", f"""--outer
Content-Type: text/plain; charset=utf-8

Forwarding the request as received.

--outer
Content-Type: message/rfc822; name="Foi request.eml"
Content-Disposition: attachment; filename="Foi request.eml"

From: Requester <requester@paper.example>
To: {AGENCY}
Subject: Foi request
Message-ID: <original-request@paper.example>
Date: Mon, 23 Feb 2026 09:00:00 -0500
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="inner"

--inner
Content-Type: text/plain; charset=utf-8

Please send the records about the cameras in this photo.

--inner
Content-Type: image/jpeg; name="info.jpg"
Content-Disposition: attachment; filename="info.jpg"
Content-Transfer-Encoding: base64

{_base64_lines(photo)}
--inner--

--outer--
""")


# --- bounces and auto-replies ---------------------------------------------------------------------

def delivery_status_bounce(failed: str = AGENCY, letter_id: str = "<letter-1@foia.test>") -> bytes:
    """Postfix: a multipart/report (RFC 3464) returning our letter to `failed`, who does not exist."""
    return _mail(f"""Return-Path: <>
Date: {DATE}
From: MAILER-DAEMON@mx.city.example.gov (Mail Delivery System)
Subject: Undelivered Mail Returned to Sender
To: {DESK}
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: multipart/report; report-type=delivery-status;
\tboundary="D863295C0B8.1772463600/mx.city.example.gov"
Message-Id: <20260302150000.D863295C0B8@mx.city.example.gov>""", f"""This is a MIME-encapsulated message.

--D863295C0B8.1772463600/mx.city.example.gov
Content-Description: Notification
Content-Type: text/plain; charset=us-ascii

This is the mail system at host mx.city.example.gov.

I'm sorry to have to inform you that your message could not
be delivered to one or more recipients. It's attached below.

                   The mail system

--D863295C0B8.1772463600/mx.city.example.gov
Content-Description: Delivery report
Content-Type: message/delivery-status

Reporting-MTA: dns; mx.city.example.gov
Arrival-Date: {DATE}

Final-Recipient: rfc822; {failed}
Original-Recipient: rfc822;{failed}
Action: failed
Status: 5.1.1
Remote-MTA: dns; inbound.city.example.gov
Diagnostic-Code: smtp; 550 5.1.1 Mailbox unavailable: user unknown

--D863295C0B8.1772463600/mx.city.example.gov
Content-Description: Undelivered Message
Content-Type: message/rfc822

From: requests@foia.test
To: {failed}
Subject: Public records request
Date: Mon, 2 Mar 2026 09:59:00 -0500
Message-ID: {letter_id}

Under the public records law, I request the records described below.

--D863295C0B8.1772463600/mx.city.example.gov--
""")


def exim_bounce(failed: str = AGENCY) -> bytes:
    """Exim: a plain-text bounce that names the address in X-Failed-Recipients and its text."""
    return _mail(f"""Return-path: <>
Envelope-to: {DESK}
X-Failed-Recipients: {failed}
Auto-Submitted: auto-replied
From: Mail Delivery System <Mailer-Daemon@mx.city.example.gov>
To: {DESK}
Subject: Mail delivery failed: returning message to sender
Message-Id: <E1R0pfT-00074Q-Bb@mx.city.example.gov>
Date: {DATE}""", f"""This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of its
recipients. This is a permanent error. The following address(es) failed:

  {failed}
    SMTP error from remote mail server after RCPT TO:<{failed}>:
    550 5.1.1 User unknown

------ This is a copy of the message, including all the headers. ------

From: requests@foia.test
To: {failed}
Subject: Public records request

Under the public records law, I request the records described below.
""")


def exchange_out_of_office() -> bytes:
    """Exchange 2003: no Auto-Submitted header; only its subject says what it is."""
    return _mail(f"""Content-class: urn:content-classes:message
MIME-Version: 1.0
Content-Type: multipart/alternative;
\tboundary="----_=_NextPart_001_01CC6C62.CEC3EF3C"
Subject: Out of Office AutoReply: Public records request
X-MimeOLE: Produced By Microsoft Exchange V6.5
Date: {DATE}
Message-ID: <E75A6D7A72D76346A4BF6A27672C39AB11BFF525@EX01.city.example.gov>
X-MS-Has-Attach:
X-MS-TNEF-Correlator:
Thread-Topic: Public records request
From: "Clerk, Jane" <{AGENCY}>
To: "Requests" <{DESK}>""", """This is a multi-part message in MIME format.

------_=_NextPart_001_01CC6C62.CEC3EF3C
Content-Type: text/plain;
\tcharset="us-ascii"
Content-Transfer-Encoding: quoted-printable

Thank you for your email. Jane Clerk will return on 16 March. For urgent
matters please call the records desk.

------_=_NextPart_001_01CC6C62.CEC3EF3C
Content-Type: text/html;
\tcharset="us-ascii"
Content-Transfer-Encoding: quoted-printable

<html><body><p>Thank you for your email. Jane Clerk will return on 16 March.</p></body></html>

------_=_NextPart_001_01CC6C62.CEC3EF3C--
""")


def lotus_out_of_office() -> bytes:
    """Lotus Domino: Auto-Submitted and a subject naming the person's Notes address."""
    return _mail(f"""Subject: Jane Clerk/RECORDS/CITY is out of the office
Auto-Submitted: auto-generated
From: {AGENCY}
To: {DESK}
Message-ID: <OF82EB79DF.C2563724-ON80257904.00739633-80257904.00739633@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
X-MIMETrack: Serialize by Router on Domino01/CITY(Release 8.5.1FP4|July 25, 2010) at
 02/03/2026 10:00:00
Content-type: text/plain; charset=US-ASCII""", """
I will be out of the office starting  02/03/2026 and will not return until
16/03/2026.

Please send records requests to the records desk.
""")


def generic_out_of_office() -> bytes:
    """A small mailer: an empty Return-Path, an "Out of Office" subject and a one-line body."""
    return _mail(f"""From: Someone <someone@county.example.gov>
Subject: Out of Office: Notification
To: {DESK}
Return-Path: <>
Message-ID: <oof-generic@county.example.gov>
Date: {DATE}
Content-Type: text/plain; charset=utf-8""", """I am out of the office till the 12th of March.
""")


def messageclass_autoresponder() -> bytes:
    """MessageLabs: an "Automatic Response" recognised by its X-POST-MessageClass header alone."""
    return _mail(f"""From: "Jane Clerk" <{AGENCY}>
To: {DESK}
Subject: Automatic Response
Message-ID: <autoresponse-1@city.example.gov>
Date: {DATE}
X-POST-MessageClass: 9; Autoresponder
Content-Type: text/plain; charset=utf-8""", """Thank you for contacting the City. Your message has been received and
will be passed to the right department.
""")


def ticket_system_autoreply() -> bytes:
    """A ticket system (MIME::Lite): an HTML answer whose only sign is an empty X-Autoreply header."""
    return _mail(f"""MIME-Version: 1.0
Content-Disposition: inline
Content-Transfer-Encoding: 8bit
Content-Type: text/html; charset="utf-8"
X-Mailer: MIME::Lite 3.027 (F2.77; T1.32; A2.08; B3.13; Q3.13)
Date: {DATE}
From: <kundendialog@city.example.gov>
X-Autoreply:
To: {DESK}
Message-ID: <ticket-1@city.example.gov>
Subject: Ihr Anliegen vom 02.03.2026""", """<html><body><p>Sehr geehrte Damen und Herren,<br>
wir danken Ihnen für Ihr Schreiben. Unser Zeichen: 13000382.</p></body></html>
""")


# --- TNEF (winmail.dat) -----------------------------------------------------------------------------

TNEF_SIGNATURE = 0x223E9F78
LEVEL_MESSAGE, LEVEL_ATTACHMENT = 0x01, 0x02
#: MS-OXTNEF attribute ids: the type in the high word, the name in the low word.
ATT_TNEF_VERSION = 0x00089006
ATT_OEM_CODEPAGE = 0x00069007
ATT_MESSAGE_CLASS = 0x00078008
ATT_ATTACH_REND_DATA = 0x00069002
ATT_ATTACH_TITLE = 0x00018010
ATT_ATTACH_DATA = 0x0006800F


def _tnef_attribute(level: int, attribute: int, data: bytes) -> bytes:
    """One TNEF attribute: level, id, length, data and its checksum (the sum of its bytes, mod 65536)."""
    return struct.pack("<BII", level, attribute, len(data)) + data + struct.pack("<H", sum(data) & 0xFFFF)


def tnef(files: list[tuple[str, bytes]], key: int = 0x4C3A) -> bytes:
    """A winmail.dat (MS-OXTNEF) carrying `files` as legacy attachments, the way Outlook's rich text mail does."""
    out = struct.pack("<IH", TNEF_SIGNATURE, key)
    out += _tnef_attribute(LEVEL_MESSAGE, ATT_TNEF_VERSION, struct.pack("<I", 0x00010000))
    out += _tnef_attribute(LEVEL_MESSAGE, ATT_OEM_CODEPAGE, struct.pack("<II", 1252, 0))
    out += _tnef_attribute(LEVEL_MESSAGE, ATT_MESSAGE_CLASS, b"IPM.Microsoft Mail.Note\x00")
    for name, data in files:
        # AttachRendData: a file attachment (type 1), no position, no rendering size, no flags.
        rendering = struct.pack("<HiHHI", 1, -1, 0, 0, 0)
        out += _tnef_attribute(LEVEL_ATTACHMENT, ATT_ATTACH_REND_DATA, rendering)
        out += _tnef_attribute(LEVEL_ATTACHMENT, ATT_ATTACH_TITLE, name.encode("ascii") + b"\x00")
        out += _tnef_attribute(LEVEL_ATTACHMENT, ATT_ATTACH_DATA, data)
    return out


#: The files inside the sample winmail.dat.
WINMAIL_FILES = [
    ("FOI 26-0117 response.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Response to request 26-0117. " * 20),
    ("Schedule of records.csv", b"record,pages\nemails,12\nmemo,3\n"),
]


def reply_with_winmail(winmail: bytes | None = None) -> bytes:
    """Outlook in rich text mode: the files travel inside an application/ms-tnef winmail.dat."""
    winmail = tnef(WINMAIL_FILES) if winmail is None else winmail
    return _mail(f"""From: Jane Clerk <{AGENCY}>
To: {DESK}
Subject: FOI Request 26-0117 Full Response
Message-ID: <tnef-1@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="zhXaljGHf11kAtnf"
X-MS-Has-Attach: yes
X-MS-TNEF-Correlator: <4A2ECA04C39E254F8EBD6CFF8B5661E4@city.example.gov>""", f"""
--zhXaljGHf11kAtnf
Content-Type: text/plain; charset=us-ascii

Please find our response attached.

--zhXaljGHf11kAtnf
Content-Type: application/ms-tnef; name="winmail.dat"
Content-Disposition: attachment; filename="winmail.dat"
Content-Transfer-Encoding: base64

{_base64_lines(winmail)}
--zhXaljGHf11kAtnf--
""")


# --- charsets, file names, encodings --------------------------------------------------------------

def mislabelled_latin1() -> bytes:
    """Outlook on Windows: labelled iso-8859-1, written in windows-1252 (0x96 en dash, 0x92 apostrophe)."""
    return _mail(f"""From: {AGENCY}
To: {DESK}
Subject: some FOI request
Message-Id: <mislabelled-1@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: text/plain; charset="iso-8859-1"
Content-Transfer-Encoding: 8bit""", b"Dear requester,\n\nThe records \x96 all of them \x96 are the city\x92s.\n")


#: German text in windows-1252, long enough for a charset guess.
LATIN_LETTER = ("Sehr geehrte Damen und Herren, über Ihren Antrag auf Akteneinsicht haben wir entschieden. "
                "Die Unterlagen für das Jahr 2025 schicken wir Ihnen gesondert. Mit freundlichen Grüßen, Jörg Müller")


def latin1_labelled_utf8() -> bytes:
    """A web mailer: labelled UTF-8, written in windows-1252."""
    return _mail(f"""From: {AGENCY}
To: {DESK}
Subject: Ihr Antrag
Message-Id: <labelled-utf8@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit""", LATIN_LETTER.encode("cp1252") + b"\n")


def unusual_filenames() -> bytes:
    """File names as mailers really write them: RFC 2231 continuations (percent-encoded, and Outlook's
    encoded word split across them), raw UTF-8 bytes, and percent-encoded latin-1."""
    head = f"""From: {AGENCY}
To: {DESK}
Subject: Bescheid
Message-ID: <filenames@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="files"
"""
    body = b"""--files
Content-Type: text/plain; charset=utf-8

Four files.

--files
Content-Type: application/pdf;
 name*0*=UTF-8''%42%65%73%63%68%65%69%64%20%46%C3%A4%6B%65%72%2E%70;
 name*1*=%64%66
Content-Disposition: attachment;
 filename*0*=UTF-8''%42%65%73%63%68%65%69%64%20%46%C3%A4%6B%65%72%2E%70;
 filename*1*=%64%66

%PDF-1.4 one
--files
Content-Type: application/octet-stream;
\tname="=?UTF-8?Q?M=C3=BCller=5FMichael=5FMetrobus_6=5F7=5F8=5F26.xlsx?="
Content-Disposition: attachment;
\tfilename*0="=?UTF-8?Q?M=C3=BCller=5FMichael=5FMetrobus_6=5F7=5F8=5F26.xl";
\tfilename*1="sx?="

two
--files
Content-Type: application/octet-stream; name="Eingangsbest\xc3\xa4tigung Akteneinsicht.doc"
Content-Disposition: attachment; filename=Eingangsbest\xc3\xa4tigung Akteneinsicht.doc

three
--files
Content-Type: application/vnd.ms-excel; name="RV %A312000 or more.xls"
Content-Disposition: attachment; filename="RV %A312000 or more.xls"

four
--files--
"""
    return _mail(head, body)


#: What unusual_filenames() carries, in order.
UNUSUAL_FILENAMES = ["Bescheid Fäker.pdf", "Müller_Michael_Metrobus 6_7_8_26.xlsx",
                     "Eingangsbestätigung Akteneinsicht.doc", "RV £12000 or more.xls"]


def uuencoded(name: str = "Happy.txt", data: bytes = b"Happy today for to be one of peace and serene time.\n") -> bytes:
    """An old mailer: a file uuencoded inline in a plain-text body."""
    lines = "".join(binascii.b2a_uu(data[i:i + 45]).decode() for i in range(0, len(data), 45))
    return _mail(f"""From: {AGENCY}
To: {DESK}
Date: {DATE}
Subject: Geraldine FOI Code AZXB421
Message-ID: <uuencoded@city.example.gov>""", f"""Greetings.

begin 644 {name}
{lines}`
end

Regards,
The records office
""")


def hz_subject(subject: str = "向先生您好") -> bytes:
    """A Chinese mailer: subject and body in HZ-GB-2312, the 7-bit encoding of GB2312."""
    word = base64.b64encode(subject.encode("hz")).decode()
    return _mail(f"""From: {AGENCY}
To: {DESK}
Subject: =?hz-gb-2312?B?{word}?=
Message-ID: <hz@city.example.gov>
Date: {DATE}
MIME-Version: 1.0
Content-Type: text/plain; charset="hz-gb-2312"
Content-Transfer-Encoding: base64""", _base64_lines(subject.encode("hz")) + "\n")


#: Chinese text for unlabelled_gb2312(): a records office's reply.
GB2312_LETTER = ("您好：我们已经收到您关于政府信息公开的申请。根据有关规定，我们将在十五个工作日内答复。"
                 "如需补充材料，我们会另行通知。感谢您对我们工作的支持。联系电话见本机关网站。")


def unlabelled_gb2312(subject: str = "任乐松") -> bytes:
    """Yahoo China: a GB2312 body with no charset at all; only a guess can read it."""
    word = base64.b64encode(subject.encode("gb2312")).decode()
    return _mail(f"""From: {AGENCY}
To: {DESK}
Subject: =?GB2312?B?{word}?=
Message-ID: <gb2312@city.example.gov>
Date: {DATE}
Content-Transfer-Encoding: base64
Content-Type: text/plain""", _base64_lines(GB2312_LETTER.encode("gb2312")) + "\n")


def international_subjects() -> dict[str, tuple[bytes, str]]:
    """Subjects as mailers mangle them, with what a person should read: UTF-8 read as windows-1252 and
    written out again as raw 8-bit, an emoji in an encoded word, Cyrillic after a plain "Re:"."""
    mangled = "E-Mail Empfangsbestätigung: Unterlagen"
    twice = mangled.encode("utf-8").decode("cp1252").encode("utf-8")
    emoji = "utf8-subject - äöüß - 🥲"
    russian = "Ваш сайт"
    return {
        "mangled": (_mail(f"From: {AGENCY}\nTo: {DESK}\nMessage-ID: <mangled@x>\nDate: {DATE}\nSubject: ".encode()
                          + twice, "Thank you.\n"), mangled),
        "emoji": (_mail(f"From: {AGENCY}\nTo: {DESK}\nMessage-ID: <emoji@x>\nDate: {DATE}\n"
                        f"Subject: =?utf-8?b?{base64.b64encode(emoji.encode()).decode()}?=", "Thank you.\n"), emoji),
        "cyrillic": (_mail(f"From: {AGENCY}\nTo: {DESK}\nMessage-ID: <cyrillic@x>\nDate: {DATE}\n"
                           f"Subject: Re: =?UTF-8?B?{base64.b64encode(russian.encode()).decode()}?=", "Спасибо.\n"),
                     f"Re: {russian}"),
    }


def folded_sender_name() -> bytes:
    """A Brazilian mailer: the sender's name in two ISO-8859-1 encoded words folded across lines."""
    return _mail(f"""From: =?iso-8859-1?Q?Coordena=E7=E3o_de_Relacionamento=2C_Pesquisa_e_Informa=E7?=
\t=?iso-8859-1?Q?=E3o/CEDI?= <cedi@camara.example.gov>
To: {DESK}
Subject: =?iso-8859-1?Q?C=E2mara_Responde=3A__Banco_de_ideias?=
Date: Fri, 9 Dec 2011 10:42:02 -0200
Message-ID: <folded@camara.example.gov>
MIME-Version: 1.0
Content-Type: text/plain; charset=iso-8859-1
Content-Transfer-Encoding: quoted-printable""", "Prezado cidad=E3o, sua mensagem foi recebida.\n")


def missing_final_boundary() -> bytes:
    """A mailer cut off mid-send: the multipart's closing boundary never came."""
    return _mail(f"""From: {AGENCY}
To: {DESK}
Subject: Cut off
Message-ID: <cut-off@city.example.gov>
Date: Tue, 3 Mar 2026 16:30:00 +0100
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="cut"
""", """--cut
Content-Type: text/plain; charset=utf-8

The records will follow next week.

--cut
Content-Type: text/plain; charset=utf-8; name="notes.txt"
Content-Disposition: attachment; filename="notes.txt"

Notes on the search for records
""")


def every_sample() -> dict[str, bytes]:
    """Each sample mail by a file name, for imports and the mutation test."""
    samples = {
        "reply-with-pdf.eml": reply_with_pdf(),
        "same-name.eml": same_name_attachments(),
        "attached-mail.eml": attached_mail(),
        "bounce-report.eml": delivery_status_bounce(),
        "bounce-exim.eml": exim_bounce(),
        "oof-exchange.eml": exchange_out_of_office(),
        "oof-lotus.eml": lotus_out_of_office(),
        "oof-generic.eml": generic_out_of_office(),
        "autoresponder.eml": messageclass_autoresponder(),
        "ticket-autoreply.eml": ticket_system_autoreply(),
        "winmail.eml": reply_with_winmail(),
        "mislabelled.eml": mislabelled_latin1(),
        "labelled-utf8.eml": latin1_labelled_utf8(),
        "filenames.eml": unusual_filenames(),
        "uuencoded.eml": uuencoded(),
        "hz.eml": hz_subject(),
        "gb2312.eml": unlabelled_gb2312(),
        "folded-sender.eml": folded_sender_name(),
        "cut-off.eml": missing_final_boundary(),
    }
    samples.update({f"subject-{name}.eml": raw for name, (raw, _) in international_subjects().items()})
    return samples
