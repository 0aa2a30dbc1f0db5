"""Reminders and the calendar feed: each person's due dates, sent once by email or read as iCal.

They read requests (their running due dates, foia.deadlines.rules) and send through the mail outbox,
so they sit above both; the deadlines domain itself is the law's count of days and nothing more.
"""
