from minyi.voices.models.categories import Category
from minyi.voices.models.couriers import (
    AppointmentStatus,
    AppraisalGrade,
    CourierAppointment,
    CourierAppraisal,
    CourierVisit,
    SubsidyPayment,
    SubsidyPeriod,
    VisitKind,
)
from minyi.voices.models.handling import CoHandler, HandlingNote, Supervision
from minyi.voices.models.imports import ImportBatch, ImportSource, ImportStatus
from minyi.voices.models.intake import TrackingAttempt
from minyi.voices.models.open311 import Open311Request
from minyi.voices.models.reports import VoiceMilestones
from minyi.voices.models.search import VoiceSearchIndex
from minyi.voices.models.suggestions import (
    FaceToFaceConsultation,
    SuggestionArea,
    SuggestionCounter,
    SuggestionDetails,
)
from minyi.voices.models.voices import Resolution, Satisfaction, TrackingCounter, Voice, VoiceKind

__all__ = [
    "AppointmentStatus",
    "AppraisalGrade",
    "Category",
    "CourierAppointment",
    "CourierAppraisal",
    "CourierVisit",
    "FaceToFaceConsultation",
    "SubsidyPayment",
    "SubsidyPeriod",
    "SuggestionArea",
    "SuggestionCounter",
    "SuggestionDetails",
    "VisitKind",
    "CoHandler",
    "HandlingNote",
    "ImportBatch",
    "ImportSource",
    "ImportStatus",
    "Open311Request",
    "Resolution",
    "Satisfaction",
    "Supervision",
    "TrackingAttempt",
    "TrackingCounter",
    "Voice",
    "VoiceKind",
    "VoiceMilestones",
    "VoiceSearchIndex",
]
