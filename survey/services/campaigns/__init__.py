"""Sample-survey campaigns (methodology §7): frame, design, draw, fieldwork outcomes, weights and estimates."""
