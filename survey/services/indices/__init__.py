"""Index tables: counting in the database (roll-up tallies, packed answer codes), periods, cells, the SPEC 2.3
document and the secondary weighted figures. The formulas themselves live in the pure core, `survey.indices`."""
