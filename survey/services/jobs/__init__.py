"""Long work outside the request: a job table, kinds of work, and a runner (RQ on Redis, else threads in-process)."""
