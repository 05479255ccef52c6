"""Realistic demo data for one province: agencies, service points, kiosks, accounts and responses."""
from survey.services.operations.demo.org import build_organisation
from survey.services.operations.demo.responses import generate_responses

__all__ = ["build_organisation", "generate_responses"]
