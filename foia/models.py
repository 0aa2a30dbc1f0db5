"""Every table, imported once so SQLModel.metadata (and Alembic) see them all."""
from foia.accounts.models import LoginSession, Team, TeamInvitation, TeamMembership, ThrottleCounter, User
from foia.agencies.models import Agency, AgencyChange, AgencySuggestion, Jurisdiction
from foia.reminders.models import Reminder
from foia.documents.models import Document, EmbeddedMessage, ExtractionState, Page, PageMethod
from foia.mail.models import ApprovedAddress, DeliveryState, Direction, ImapFolderState, Message, MessageKind, OutboxMessage
from foia.requests.models import (FeeWaiver, FoiaRequest, RequestBatch, RequestEvent, Status,
                                  SubmissionMethod, Visibility)
from foia.search.models import SearchChange, SearchWatermark
from foia.system.models import JobStatus

__all__ = [
    "Agency", "AgencyChange", "DeliveryState", "Direction", "Document", "EmbeddedMessage",
    "ExtractionState", "FeeWaiver", "FoiaRequest", "ImapFolderState", "JobStatus", "Jurisdiction", "Message",
    "MessageKind", "OutboxMessage", "Page", "PageMethod", "Reminder", "RequestBatch", "RequestEvent",
    "SearchChange", "SearchWatermark", "Status", "SubmissionMethod", "Team", "TeamMembership", "User",
    "Visibility", "LoginSession", "TeamInvitation", "ThrottleCounter", "AgencySuggestion", "ApprovedAddress",
]
