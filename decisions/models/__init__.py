"""Django's models module of the app: every model, each defined in its concept's folder
(decisions/<concept>/models.py) and imported here."""

from ..audit.models import GENESIS_HASH, AuditEvent, RefusalTally
from ..calendar.models import CalendarDay, CalendarYear
from ..catalogue.models import Catalogue, CatalogueItem
from ..deadlines.models import (
    DeadlineChange,
    Notification,
    Reminder,
    StagePeriod,
    TaskDeadline,
)
from ..documents.models import DocumentCounter, DocumentNumber
from ..profiles.models import Profile
from ..records.models import (
    AcceptanceReturn,
    CounselOpinion,
    Decision,
    DraftAttachment,
    DraftVersion,
    ExpertOpinion,
    ImmutableRecord,
    LegalReview,
    Meeting,
    MeetingAbsence,
    MemberPositionRecord,
    Publication,
    PublicComment,
    PublicParticipation,
    RiskAssessment,
    StageSkip,
    UnitDisagreement,
    Withdrawal,
)
from ..stage_tasks.models import StageTask

__all__ = [
    "GENESIS_HASH",
    "CalendarDay",
    "CalendarYear",
    "Catalogue",
    "CatalogueItem",
    "DeadlineChange",
    "DocumentCounter",
    "DocumentNumber",
    "Notification",
    "Reminder",
    "StagePeriod",
    "TaskDeadline",
    "AcceptanceReturn",
    "AuditEvent",
    "CounselOpinion",
    "Decision",
    "DraftAttachment",
    "DraftVersion",
    "ExpertOpinion",
    "ImmutableRecord",
    "LegalReview",
    "Meeting",
    "MeetingAbsence",
    "MemberPositionRecord",
    "Publication",
    "PublicComment",
    "PublicParticipation",
    "RefusalTally",
    "RiskAssessment",
    "StageSkip",
    "StageTask",
    "UnitDisagreement",
    "Withdrawal",
    "Profile",
]
