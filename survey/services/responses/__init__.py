"""Responses: recording one submission (API, kiosk, online form, paper screen) and importing many from CSV."""
from survey.services.responses.envelope import Envelope, parse_envelope
from survey.services.responses.record import Recorded, content_hash, record_response, validate_response

__all__ = ["Envelope", "Recorded", "content_hash", "parse_envelope", "record_response", "validate_response"]
