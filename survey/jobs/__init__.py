"""Staff screens for long work: start a job, watch its progress bar, download its result."""
