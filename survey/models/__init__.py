"""All tables, imported here so Alembic and the app see one metadata."""
from survey.models.accounts import ApiToken, User
from survey.models.agencies import Agency, Device, ServicePoint
from survey.models.audit import AuditEntry
from survey.models.base import Base
from survey.models.campaigns import Campaign, FrameVillage, Questionnaire
from survey.models.quality import Publication, QualitySettings, Target
from survey.models.instruments import Instrument, InstrumentVersion, Item, Section
from survey.models.responses import Answer, Comment, Contact, Response
from survey.models.tallies import AnswerTally, ScoreTally
from survey.models.units import Unit, UnitSuccession
from survey.models.weights import PopulationMargin

__all__ = [
    "Agency", "Answer", "AnswerTally", "ApiToken", "AuditEntry", "Base", "Campaign", "Comment", "Contact", "Device",
    "FrameVillage",
    "Instrument", "InstrumentVersion", "Item", "PopulationMargin", "Questionnaire", "Response", "ScoreTally", "Section",
    "ServicePoint", "Unit", "UnitSuccession", "User",
    "Publication", "QualitySettings", "Target",
]
