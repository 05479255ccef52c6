"""Storage paths written by hand for speed: the hot path's small statements and bulk loads (one module)."""
