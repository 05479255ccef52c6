"""Realistic demo data for one province: agencies, service points, kiosks, accounts, responses and a campaign."""
from survey.services.operations.demo.campaign import build_demo_campaign
from survey.services.operations.demo.org import build_organisation
from survey.services.operations.demo.responses import generate_national, generate_responses

__all__ = ["build_demo_campaign", "build_organisation", "generate_national", "generate_responses"]
