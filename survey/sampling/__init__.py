"""Pure sample-survey core (methodology §7): PPS selection, design weights and design-based estimates."""
from survey.sampling.estimates import DesignEstimates, estimate_design
from survey.sampling.pps import inclusion_probabilities, systematic_pps
from survey.sampling.weights import base_weights, nonresponse_adjust, poststratify

METHOD_VERSION = "sipas-design-1"

__all__ = ["DesignEstimates", "METHOD_VERSION", "base_weights", "estimate_design", "inclusion_probabilities",
           "nonresponse_adjust", "poststratify", "systematic_pps"]
