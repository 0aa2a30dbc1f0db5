"""Dates as mail programs print them ("Sent:" lines of released printouts, odd Date headers): the
afternoon stays in the afternoon, whatever the program."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from foia.documents.release import split_release
from foia.text.dates import read_printed_date
from foia.mail.parse import parse_message


def utc(*parts) -> datetime:
    return datetime(*parts, tzinfo=UTC)


# March 13, 2018 is a Tuesday in US daylight time (EDT, UTC-4); Jan 9, 2018 a Tuesday in standard time.
PRINTED = [
    # Outlook (desktop) printouts and replies
    ("Tuesday, March 13, 2018 3:47 PM", utc(2018, 3, 13, 19, 47)),
    ("Tuesday, March 13, 2018 3:47:09 PM", utc(2018, 3, 13, 19, 47, 9)),
    ("Tuesday, January 9, 2018 11:05 AM", utc(2018, 1, 9, 16, 5)),
    ("Tuesday, 13 March 2018 15:47", utc(2018, 3, 13, 19, 47)),
    ("Tuesday, March 13, 2018 3:47 PM (UTC-05:00) Eastern Time (US & Canada)", utc(2018, 3, 13, 19, 47)),
    ("Tuesday, January 9, 2018 3:47 PM (UTC-08:00) Pacific Time (US & Canada)", utc(2018, 1, 9, 23, 47)),
    # Outlook on the web and Exchange
    ("Tue 3/13/2018 3:47 PM", utc(2018, 3, 13, 19, 47)),
    ("3/13/2018 3:47:00 PM", utc(2018, 3, 13, 19, 47)),
    ("03/13/2018 09:30 AM", utc(2018, 3, 13, 13, 30)),
    ("3/13/18 12:05 AM", utc(2018, 3, 13, 4, 5)),
    # Gmail
    ("Tue, Mar 13, 2018 at 3:47 PM", utc(2018, 3, 13, 19, 47)),
    ("Tue, Mar 13, 2018, 3:47\u202fPM", utc(2018, 3, 13, 19, 47)),
    ("Tue, Jan 9, 2018 at 12:00 PM", utc(2018, 1, 9, 17, 0)),
    # Apple Mail
    ("March 13, 2018 at 3:47:12 PM EDT", utc(2018, 3, 13, 19, 47, 12)),
    ("Mar 13, 2018, at 3:47 PM", utc(2018, 3, 13, 19, 47)),
    ("January 9, 2018 at 3:47 PM PST", utc(2018, 1, 9, 23, 47)),
    # RFC 5322 as many programs print the Date header
    ("Tue, 13 Mar 2018 15:47:00 -0400", utc(2018, 3, 13, 19, 47)),
    ("Tue, 13 Mar 2018 15:47:00 -0400 (EDT)", utc(2018, 3, 13, 19, 47)),
    ("Tue, 13 Mar 2018 19:47:00 GMT", utc(2018, 3, 13, 19, 47)),
    # 24-hour clocks
    ("13 March 2018 15:47", utc(2018, 3, 13, 19, 47)),
    ("2018-03-13 15:47", utc(2018, 3, 13, 19, 47)),
    ("2018-03-13T19:47:00Z", utc(2018, 3, 13, 19, 47)),
    ("13.03.2018 15:47", utc(2018, 3, 13, 19, 47)),
    # noon, midnight, dotted and glued meridiems, "at"
    ("Tuesday, March 13, 2018 12:00 noon", utc(2018, 3, 13, 16, 0)),
    ("March 13, 2018 at noon", utc(2018, 3, 13, 16, 0)),
    ("March 13, 2018 at midnight", utc(2018, 3, 13, 4, 0)),
    ("Tuesday, March 13, 2018 3:47 p.m.", utc(2018, 3, 13, 19, 47)),
    ("Mar 13, 2018 3:47PM", utc(2018, 3, 13, 19, 47)),
    ("Tuesday, March 13, 2018 at 3:47 PM CST", utc(2018, 3, 13, 21, 47)),
]


@pytest.mark.parametrize(("printed", "expected"), PRINTED)
def test_printed_times_keep_their_hour(printed, expected):
    assert read_printed_date(printed) == expected


@pytest.mark.parametrize("printed", ["", "Tuesday", "3:47 PM", "March 2018", "no date at all !!", "13/45/2018 3:47 PM",
                                     "Tuesday, March 13 3:47 PM"])
def test_values_without_a_whole_date_are_refused_not_made_up(printed):
    assert read_printed_date(printed) is None


def test_a_time_without_a_zone_is_read_in_the_given_zone():
    assert read_printed_date("Tuesday, March 13, 2018 3:47 PM", "America/Los_Angeles") == utc(2018, 3, 13, 22, 47)
    assert read_printed_date("Tuesday, March 13, 2018 3:47 PM", "UTC") == utc(2018, 3, 13, 15, 47)


def test_a_printout_split_into_its_emails_keeps_each_afternoon():
    pages = [
        "From: Pilot Team <pilot@aws.example>\nSent: Wednesday, December 13, 2017 4:02 PM\n"
        "To: Dana <dana@police.example>\nSubject: next steps\n\nText.",
        "From: Dana <dana@police.example>\nDate: Tue, Dec 12, 2017 at 9:14 AM\n"
        "To: Pilot Team <pilot@aws.example>\nSubject: camera list\n\nText.",
        "From: IT <it@police.example>\nSent: 12/14/2017 12:00 noon\nTo: Dana <dana@police.example>\n"
        "Subject: firewall\n\nText.",
    ]
    found = split_release(pages)
    assert [m.sent_at for m in found] == [utc(2017, 12, 13, 21, 2), utc(2017, 12, 12, 14, 14), utc(2017, 12, 14, 17, 0)]


def test_a_date_header_written_with_pm_is_not_read_as_morning():
    raw = (b"From: Records <records@agency.example.gov>\r\nTo: me@example.org\r\nSubject: Your request\r\n"
           b"Date: Tuesday, March 13, 2018 3:47 PM\r\n\r\nHello.\r\n")
    assert parse_message(raw).date == utc(2018, 3, 13, 15, 47)  # no zone in a header: UTC, as before
    proper = raw.replace(b"Tuesday, March 13, 2018 3:47 PM", b"Tue, 13 Mar 2018 15:47:00 -0400")
    assert parse_message(proper).date == utc(2018, 3, 13, 19, 47)
