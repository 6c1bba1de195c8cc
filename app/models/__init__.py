"""All tables, imported here so Alembic and the app see one complete metadata."""

from app.models.activity import ActivityEntry, ActivitySetting
from app.models.audit import AuditEntry
from app.models.auth import (
    AuthSession,
    Invitation,
    LoginThrottle,
    PasswordReset,
    RateLimit,
    SsoIdentity,
    SsoLoginRequest,
)
from app.models.authoring import CourseAsset, CourseDraft, CourseRevision
from app.models.base import NAMING_CONVENTION, UTCDateTime, utcnow
from app.models.checker import CheckerOrganisation, CheckerPhrase, ClosedPeriod
from app.models.course import Course, Lesson, Module
from app.models.learning import Enrolment, LessonProgress
from app.models.notification import (
    EmailMessage,
    Notification,
    NotificationPreference,
    UnsubscribeToken,
)
from app.models.quiz import Quiz, QuizAnswer, QuizAttempt, QuizQuestion
from app.models.recall import RecallCard, RecallReview
from app.models.report import ReportExport, ReportExportPart
from app.models.user import Cohort, CohortMember, Role, User
from app.models.workbook import ReviewComment, Workbook, WorkbookVersion

__all__ = [
    "NAMING_CONVENTION",
    "ActivityEntry",
    "ActivitySetting",
    "AuditEntry",
    "AuthSession",
    "CheckerOrganisation",
    "CheckerPhrase",
    "ClosedPeriod",
    "Cohort",
    "CohortMember",
    "Course",
    "CourseAsset",
    "CourseDraft",
    "CourseRevision",
    "EmailMessage",
    "Enrolment",
    "Invitation",
    "Lesson",
    "LessonProgress",
    "LoginThrottle",
    "Module",
    "Notification",
    "NotificationPreference",
    "PasswordReset",
    "Quiz",
    "QuizAnswer",
    "QuizAttempt",
    "QuizQuestion",
    "RateLimit",
    "RecallCard",
    "RecallReview",
    "ReportExport",
    "ReportExportPart",
    "ReviewComment",
    "Role",
    "SsoIdentity",
    "SsoLoginRequest",
    "UTCDateTime",
    "UnsubscribeToken",
    "User",
    "Workbook",
    "WorkbookVersion",
    "utcnow",
]
