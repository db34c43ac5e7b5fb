from minyi.voices.models.categories import Category
from minyi.voices.models.handling import CoHandler, HandlingNote, Supervision
from minyi.voices.models.imports import ImportBatch, ImportSource, ImportStatus
from minyi.voices.models.open311 import Open311Request
from minyi.voices.models.voices import Resolution, Satisfaction, TrackingCounter, Voice, VoiceKind

__all__ = [
    "Category",
    "CoHandler",
    "HandlingNote",
    "ImportBatch",
    "ImportSource",
    "ImportStatus",
    "Open311Request",
    "Resolution",
    "Satisfaction",
    "Supervision",
    "TrackingCounter",
    "Voice",
    "VoiceKind",
]
