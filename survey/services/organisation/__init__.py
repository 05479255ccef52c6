"""The organisation served: units (today's and legacy, with the crosswalk), agencies, service points, their CSV imports
and their scoped administration."""
