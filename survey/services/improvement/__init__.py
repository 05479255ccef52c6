"""What to fix first for a unit (issue 23): ranked items, their association with the overall question, and the
citizens' own priorities and low-score reasons beside them."""
