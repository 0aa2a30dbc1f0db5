"""What an agency's reply says about its request: a guessed status and the sentence it rests on.

The guess is a suggestion the requester confirms or dismisses; it never changes a status by itself.
A wrong guess costs more than none, so the rules only speak when a sentence says it plainly:

1. Quoted history (the request as sent, "-----Original Message-----", "On ... wrote:", "> " lines)
   is cut off first: the requester's own words ("invoices", "fees up to $25") are not the agency's.
2. Each sentence is read for signals, each a small pattern below: records handed over now,
   more to come, some withheld, a denial, no records found, a fee demanded, a question back, a
   final word, an acknowledgement. Conditional sentences ("If fees exceed $25 ...") and future
   plans ("We anticipate providing the first installment ...") are not taken as facts.
3. The signals decide in this order: no records found (and none handed over) -> records handed
   over (partial when more are coming or some are withheld, else done) -> a fee demanded ->
   a denial -> a question back -> a final word -> an acknowledgement -> no guess.

Measured on the labelled replies in tests/unit/mail/status_replies.toml (README: "Status guesses").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from foia.mail.models import Message
from foia.requests.models import FoiaRequest, Status

#: Longest sentence kept as the evidence shown to the requester.
EVIDENCE_CHARS = 300

_RECORDS = (r"(records?|documents?|e-?mails?|files?|information|footage|videos?|contracts?|invoices?|materials?|"
            r"pages?|correspondence|data|responsive)")

_QUOTE_START = re.compile(
    r"^\s*(-{2,}\s*original message\s*-{2,}|-{2,}\s*forwarded message\s*-{2,}|begin forwarded message:|_{10,}"
    r"|on .{4,200}\bwrote:\s*$)", re.IGNORECASE | re.MULTILINE)
_OUTLOOK_HEADER = re.compile(r"^\s*from:\s.+\n(?:.*\n){0,2}\s*(sent|date):\s", re.IGNORECASE | re.MULTILINE)
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”')]?\s+(?=[A-Z\"“(])")

# --- signals: one pattern (or small function) per kind of statement -----------------------------

_CONDITIONAL = re.compile(r"^\s*(if|should|in the event|unless|once)\b|\bif (no|any|there|the fees?|fees|costs?)\b",
                          re.IGNORECASE)
_NEGATED_FEE = re.compile(r"\bno (fees?|charges?|cost)\b|\bfree of charge\b|\bat no (cost|charge)\b|\bwaived\b|"
                          r"\bno charge\b|\bnot be charged\b", re.IGNORECASE)
_MONEY = re.compile(r"\$\s?\d")
_FEE_WORDS = re.compile(r"\b(fees?|costs?|charges?|payments?|deposit|invoice|estimate[sd]?|due|installment|remit|"
                        r"pay|payable|prepay(ment)?)\b", re.IGNORECASE)
_FEE_DEMAND = re.compile(
    r"\bplease (remit|submit|send|make|mail)\b[^.]{0,30}\b(payment|deposit|check|fee)|\bpayment (is|will be) required\b|"
    r"\brequires? (a |the )?payment\b|\badvance payment\b|\bagree (in writing )?to pay\b|\bonce payment is received\b|"
    r"\bupon receipt of (your )?payment\b|\bprepayment\b|\bsubmit payment\b|\btotal (amount )?due\b",
    re.IGNORECASE)
_RELEASE_NOW = re.compile(
    r"\b(attached|enclosed|herewith|here (is|are)|please find|accompanying|available (for download|at the link|"
    r"in the portal|online|to download)|(are|is|were|have been|has been) (hereby )?(released|provided|produced|disclosed)"
    r"|we are (releasing|providing|producing))\b", re.IGNORECASE)
_NOT_RECORDS = re.compile(r"\b(invoice|fees?|payment|bill|costs?|letter|reply|form|acknowledg\w*)\b", re.IGNORECASE)
_FUTURE = re.compile(r"\b(will|would|shall|anticipate|expect|plan to|intend to|going to|once|until)\b", re.IGNORECASE)
_MORE_COMING = re.compile(
    r"\b(remaining|additional|further|next|rest of the)\b[^.]{0,60}\b(records|e-?mails|documents|pages|installments?|"
    r"releases?|batch(es)?|productions?)\b|\brolling basis\b|\binterim (release|response|production)\b|"
    r"\b(first|second|third|fourth|\d+(st|nd|rd|th)|next) (interim )?(release|installment|batch|production|tranche)\b|"
    r"\bstill (under|being) (review|processed)\b|\bbatch \d+ of\b|\bwill follow\b", re.IGNORECASE)
_WITHHELD_IN_PART = re.compile(
    r"\b(released|granted|withheld|denied|disclosed) in part\b|\bpartial(ly)? (released|granted|release|grant)\b|"
    r"(?<!without )(?<!no )\bredact(ed|ions?)\b|\bportions?\b[^.]{0,60}\bwithheld\b|"
    r"\bwithheld\b[^.]{0,60}\b(exemption|section|privilege|privacy|§)", re.IGNORECASE)
_DENIAL = re.compile(
    r"\bdenied in (full|its entirety)\b|\b(request|it) is (hereby |therefore )?denied\b|\bdeny (your|the) request\b|"
    r"\bwithheld in (their|its) entirety\b|\bwithheld in full\b|\bexempt from (public )?disclosure\b|"
    r"\bneither confirm nor deny\b|\b(will|can|cannot|could) ?not (be )?(released|provided|disclosed)\b|"
    r"\bwill not be providing\b|\bdeclines? (to release|to provide|your request)\b|\b(decided|have decided) to refuse\b|"
    r"\brefuse your request\b|\bnot public records\b", re.IGNORECASE)
_NO_RECORDS = re.compile(
    r"\bno\b[^.]{0,60}\b(were|was|could be|have been|has been)\s+(located|found|identified|retrieved)\b|"
    r"\b(did|could|do|does) not (locate|find|identify|have|maintain|possess|hold|retain)\b|"
    r"\b(unable|not able) to (locate|find|identify)\b|\bno (responsive |such |relevant )?(records|documents|e-?mails|"
    r"files|footage)\b|\bsearch(es)?\b[^.]{0,40}\b(yielded|produced|returned|found|revealed|located) no\b|"
    r"\b(does|do) not exist\b", re.IGNORECASE)
_RECORD_NOUN = re.compile(rf"\b{_RECORDS}\b", re.IGNORECASE)
_CLARIFY = re.compile(
    r"\b(please|could you|can you|kindly|would you)( please)? (clarify|narrow|specify|provide|identify|suggest|"
    r"tell us which)\b|\b(need|require) (more |additional |further )?(information|details|clarification)\b|"
    r"\bdoes not reasonably describe\b|\b(too|overly) broad\b|\bunable to process (your request|it) (as written|without)\b|"
    r"\bclarification (needed|required|is needed)\b", re.IGNORECASE)
_FINAL = re.compile(
    r"\b(this|which) (completes|concludes) (our|the|its) (response|processing|search)\b|\bfinal (response|determination)\b|"
    r"\b(request|it) (is|has been) (now )?(closed|completed|fulfilled)\b|\bhas been fulfilled\b|\bgranted in full\b|"
    r"\breleased in full\b|\bwithout redaction\b", re.IGNORECASE)
_ACKNOWLEDGED = re.compile(
    r"\backnowledg(e|es|ed|ing|ement)\b|\b(have |has )?received your\b[^.]{0,40}\brequest\b|"
    r"\byour (\w+ ){0,3}request (has been|was|is being) (received|logged|registered|assigned|placed|forwarded|processed)\b|"
    r"\b(assigned|given) (it )?(the )?(\w+ )?(tracking|reference|request|case) (number|no\.?|#)|\bregistered under\b|"
    r"\bwe are (now )?(processing|reviewing|searching|working on)\b|\b(passed|forwarded) (it|your request) (on )?to\b|"
    r"\bprocessing track\b|\bbeing processed\b|\bwill (be in touch|get back to you|reply to you|respond as soon)\b|"
    r"\b(anticipate|expect)\b[^.]{0,60}\b(providing|producing|releasing|responding|to (provide|produce|release|respond))\b|"
    r"\bwill be produced in installments\b|\bwithin \d+ (business|working|calendar) days\b", re.IGNORECASE)


def _is_fee_demand(sentence: str) -> bool:
    if _NEGATED_FEE.search(sentence):
        return False
    if _FEE_DEMAND.search(sentence):
        return True
    return bool(_MONEY.search(sentence) and _FEE_WORDS.search(sentence) and not _CONDITIONAL.search(sentence))


def _hands_over_records(sentence: str) -> bool:
    release = _RELEASE_NOW.search(sentence)
    if not release or not _RECORD_NOUN.search(sentence) or _NOT_RECORDS.search(sentence):
        return False
    return not _FUTURE.search(sentence[:release.start()])


def _denies(sentence: str) -> bool:
    return bool(_DENIAL.search(sentence)) and "fee waiver" not in sentence.lower()


def _no_records(sentence: str) -> bool:
    return bool(_NO_RECORDS.search(sentence) and _RECORD_NOUN.search(sentence) and not _CONDITIONAL.search(sentence))


def _final_word(sentence: str) -> bool:
    match = _FINAL.search(sentence)
    return bool(match) and not _FUTURE.search(sentence[:match.start()]) and not re.search(
        r"\bwhen\b", sentence[:match.start()], re.IGNORECASE)


def _plain(pattern: re.Pattern):
    return lambda sentence: bool(pattern.search(sentence))


def _asks_back(sentence: str) -> bool:
    return bool(_CLARIFY.search(sentence)) and not _is_fee_demand(sentence)


SIGNALS = {
    "no_records": _no_records,
    "hands_over": _hands_over_records,
    "more_coming": _plain(_MORE_COMING),
    "withheld_in_part": _plain(_WITHHELD_IN_PART),
    "fee": _is_fee_demand,
    "denial": _denies,
    "asks_back": _asks_back,
    "final": _final_word,
    "acknowledged": _plain(_ACKNOWLEDGED),
}


# --- reading the reply ---------------------------------------------------------------------------

def new_text(text: str) -> str:
    """The reply without the history it quotes."""
    text = (text or "").replace("\r\n", "\n")
    cut = len(text)
    for pattern in (_QUOTE_START, _OUTLOOK_HEADER):
        match = pattern.search(text)
        if match:
            cut = min(cut, match.start())
    return "\n".join(line for line in text[:cut].split("\n") if not line.lstrip().startswith(">"))


def sentences(text: str) -> list[str]:
    """The sentences of a text: paragraphs joined, split after . ! ? before a capital."""
    found = []
    for paragraph in re.split(r"\n\s*\n", text):
        joined = " ".join(paragraph.split())
        found += [part.strip() for part in _SENTENCE_END.split(joined) if part.strip()]
    return found


@dataclass
class StatusGuess:
    """A status the reply suggests, and the sentence that says so."""

    status: Status
    sentence: str


def _first(found: dict[str, list[str]], *names: str) -> str:
    for name in names:
        if found.get(name):
            return found[name][0]
    return ""


def guess_status(subject: str, text: str) -> StatusGuess | None:
    """The status an agency's reply plainly states, with its sentence; None when it does not say."""
    found: dict[str, list[str]] = {}
    for sentence in sentences(new_text(text)[:20000]):
        for name, signal in SIGNALS.items():
            if signal(sentence):
                found.setdefault(name, []).append(sentence)
    for name in ("acknowledged", "asks_back"):  # a subject may say only this much
        if subject and SIGNALS[name](subject):
            found.setdefault(name, []).append(subject)

    def guess(status: Status, *evidence: str) -> StatusGuess:
        sentence = _first(found, *evidence)
        if len(sentence) > EVIDENCE_CHARS:
            sentence = sentence[:EVIDENCE_CHARS - 1].rstrip() + "…"
        return StatusGuess(status, sentence)

    if found.get("no_records") and not found.get("hands_over"):
        return guess(Status.no_records, "no_records")
    if found.get("hands_over"):
        if found.get("more_coming") or found.get("withheld_in_part") or found.get("denial"):
            return guess(Status.partial, "withheld_in_part", "more_coming", "denial")
        return guess(Status.done, "hands_over")
    if found.get("fee"):
        return guess(Status.payment_required, "fee")
    if found.get("denial"):
        return guess(Status.rejected, "denial")
    if found.get("asks_back"):
        return guess(Status.fix_required, "asks_back")
    if found.get("final"):
        return guess(Status.done, "final")
    if found.get("acknowledged"):
        return guess(Status.acknowledged, "acknowledged")
    return None


def suggest_status(request: FoiaRequest, subject: str, text: str) -> StatusGuess | None:
    """The guess, when the request may move there from where it stands (applied only when confirmed)."""
    found = guess_status(subject, text)
    if found is None or found.status == request.status or not request.status.can_become(found.status):
        return None
    return found


def note_suggestion(message: Message, request: FoiaRequest) -> None:
    """Keep on a reply the status its words suggest for its request, with the sentence (or clear both)."""
    found = suggest_status(request, message.subject, message.body_text)
    message.suggested_status = found.status.value if found else None
    message.suggested_status_reason = found.sentence if found else ""
