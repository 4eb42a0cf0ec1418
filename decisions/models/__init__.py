"""The domain's records, one module per concept."""

from .audit import GENESIS_HASH, AuditEvent
from .calendar import CalendarDay, CalendarYear
from .deadlines import (
    DeadlineChange,
    Notification,
    Reminder,
    StagePeriod,
    TaskDeadline,
)
from .records import (
    AcceptanceReturn,
    CounselOpinion,
    Decision,
    DraftAttachment,
    DraftVersion,
    ExpertOpinion,
    ImmutableRecord,
    LegalReview,
    Meeting,
    MemberPositionRecord,
    Publication,
    PublicComment,
    PublicParticipation,
    RiskAssessment,
    StageSkip,
    UnitDisagreement,
)
from .tasks import StageTask

__all__ = [
    "GENESIS_HASH",
    "CalendarDay",
    "CalendarYear",
    "DeadlineChange",
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
    "MemberPositionRecord",
    "Publication",
    "PublicComment",
    "PublicParticipation",
    "RiskAssessment",
    "StageSkip",
    "StageTask",
    "UnitDisagreement",
]
