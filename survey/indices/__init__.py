"""Pure index core: count frames in, figure frames out (numpy/pandas only; no Flask, no SQLAlchemy)."""
from __future__ import annotations

from survey.indices.assessment import assessment_shares
from survey.indices.composite_intervals import composite_intervals
from survey.indices.composites import component_values, overall_index
from survey.indices.distribution import distribution
from survey.indices.items import SAT5_VALID, TOP2_BOX, item_stats
from survey.indices.kiosk import kiosk_figures
from survey.indices.onestop import onestop_bands, onestop_indicators, onestop_totals
from survey.indices.priorities import priority_index
from survey.indices.ranking import rank_among, rank_cells
from survey.indices.respondent_scores import (ANSWERED, ONESTOP_TOTAL, Scorer, respondent_scores, score_response,
                                              score_sums, scorer_for)
from survey.indices.significance import ABOVE, BELOW, SAME, against_parent, against_previous
from survey.indices.structure import (GENERAL_METHOD, METHODS, OVERALL, Component, Structure,
                                      structure_from_definition)
from survey.indices.suppression import DEFAULT_MIN_N, suppress
from survey.indices.table import IndexTable, index_table
from survey.indices.weighting import poststrat_weights, weighted_index, weighted_item_stats

METHOD_VERSION = "sipas-default-1"

__all__ = [
    "ABOVE", "ANSWERED", "BELOW", "DEFAULT_MIN_N", "GENERAL_METHOD", "METHODS", "METHOD_VERSION", "ONESTOP_TOTAL",
    "OVERALL", "SAME", "SAT5_VALID", "assessment_shares",
    "TOP2_BOX", "Component", "IndexTable", "Scorer", "Structure", "against_parent", "against_previous",
    "component_values", "composite_intervals", "distribution", "index_table", "item_stats", "kiosk_figures",
    "onestop_bands", "onestop_indicators", "onestop_totals", "overall_index", "poststrat_weights", "priority_index",
    "rank_among", "rank_cells", "respondent_scores", "score_response", "score_sums", "scorer_for",
    "structure_from_definition",
    "suppress", "weighted_index", "weighted_item_stats",
]
