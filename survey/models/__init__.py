"""All tables, imported here so Alembic and the app see one metadata."""
from survey.models.accounts import ApiToken, User
from survey.models.agencies import Agency, Device, ServicePoint
from survey.models.audit import AuditEntry
from survey.models.base import Base
from survey.models.columns import ResponseBlock, ResponseMark
from survey.models.campaigns import Campaign, FrameVillage, OfficialFigure, Questionnaire
from survey.models.jobs import Alert, AlertRule, Job, ReportSending, ReportSubscription
from survey.models.quality import Publication, QualitySettings, Target
from survey.models.instruments import Instrument, InstrumentVersion, Item, Section
from survey.models.reports import ReportSettings
from survey.models.responses import Answer, Comment, Contact, Response
from survey.models.tallies import AnswerTally, ScoreTally
from survey.models.units import Unit, UnitSuccession
from survey.models.weights import PopulationMargin

__all__ = [
    "Agency", "Alert", "AlertRule", "Answer", "AnswerTally", "ApiToken", "AuditEntry", "Base", "Campaign", "Comment",
    "Contact", "Device", "FrameVillage", "Instrument", "InstrumentVersion", "Item", "Job", "OfficialFigure",
    "PopulationMargin", "Questionnaire", "ReportSending", "ReportSubscription", "ReportSettings", "Response",
    "ResponseBlock", "ResponseMark", "ScoreTally", "Section",
    "ServicePoint", "Unit", "UnitSuccession", "User",
    "Publication", "QualitySettings", "Target",
]
