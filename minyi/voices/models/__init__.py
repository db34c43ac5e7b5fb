from minyi.voices.models.categories import Category
from minyi.voices.models.handling import CoHandler, HandlingNote, Supervision
from minyi.voices.models.search import VoiceSearchIndex
from minyi.voices.models.voices import Resolution, Satisfaction, TrackingCounter, Voice, VoiceKind

__all__ = [
    "Category",
    "CoHandler",
    "HandlingNote",
    "Resolution",
    "Satisfaction",
    "Supervision",
    "TrackingCounter",
    "Voice",
    "VoiceKind",
    "VoiceSearchIndex",
]
