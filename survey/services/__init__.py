"""Use-cases: the only code that queries or writes the database. Callers commit once."""
