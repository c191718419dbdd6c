"""PEP's tables, one concept per module; importing this package registers them all."""
from engine.models.area import Area
from engine.models.attachment import StoredFile
from engine.models.audit import AuditEvent
from engine.models.base import Base
from engine.models.bounce import BounceEvent
from engine.models.broadcast import Broadcast
from engine.models.delivery import Delivery
from engine.models.handover import ChairHandover
from engine.models.inbound_message import InboundMessage
from engine.models.imap_cursor import ImapCursor
from engine.models.isa import IsaConfirmation, IsaVersion
from engine.models.notification import NotificationLog
from engine.models.partnership import Partnership
from engine.models.partnership_type import PartnershipType
from engine.models.person import Person, Role
from engine.models.publication import Publication
from engine.models.report import Report
from engine.models.subject import Subject
from engine.models.team import Team
from engine.models.exclusion import Exclusion, ExclusionApproval
from engine.models.match_decision import MatchDecision
from engine.models.token import ReplyToken
from engine.models.reference_counter import ReferenceCounter

__all__ = [
    "Area", "AuditEvent", "Base", "Broadcast", "Delivery", "InboundMessage", "IsaConfirmation", "IsaVersion",
    "NotificationLog", "Partnership", "PartnershipType", "Person", "Publication", "Report", "ReplyToken",
    "Role", "StoredFile", "Subject", "Team",
    "ChairHandover",
    "ReferenceCounter",
    "Exclusion", "ExclusionApproval", "MatchDecision",
    "ImapCursor",
]
__all__ += ["BounceEvent"]
from engine.models.report_turn import ReportTurn  # noqa: E402

__all__ += ["ReportTurn"]
