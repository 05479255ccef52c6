"""A job's state and error in the reader's language."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from survey.error_text import explain
from survey.errors import DomainError
from survey.models import Job

ERRORS = {
    "worker_lost": _l("The worker running this job stopped before it finished (it was restarted or killed). "
                      "Start the job again."),
    "server_restarted": _l("The server restarted before the job finished; start it again."),
    "import_rejected": _l("Nothing was imported: %(bad)s of %(rows)s rows are invalid. The import report says "
                          "which rows and why; fix them and upload the file again."),
    "import_file_refused": _l("Nothing was imported: the file cannot be read as a questionnaire CSV. The import "
                              "report says why."),
    "job_failed": _l("The job failed because of an error on our side. Start it again; if it fails again, tell "
                     "the administrator."),
    "unknown_job": _l("This job is unknown, or it belongs to someone else."),
    "job_result_gone": _l("This job has no file to download: it has not finished, or its file has expired."),
}
STATES = {"queued": _l("Waiting"), "running": _l("Running"), "done": _l("Done"), "failed": _l("Failed")}
KINDS = {"province_zip": _l("All PDFs of the province (ZIP)"), "responses_export": _l("Responses export"),
         "indices_export": _l("Index table export"), "check": _l("Worker check"),
         "paper_import": _l("Paper questionnaires import (CSV)"), "backup": _l("Backup of the whole database")}


def job_error(job: Job) -> str:
    """The failed job's error, translated and filled with its params."""
    code = job.error_code or "job_failed"
    wording = ERRORS.get(code)
    if wording is not None:
        try:
            return str(wording) % (job.error_params or {})
        except (KeyError, TypeError, ValueError):  # a wording naming a param the job did not keep
            return str(ERRORS["job_failed"])
    return explain(DomainError(code, str(ERRORS["job_failed"]), **(job.error_params or {})))


def state_label(job: Job) -> str:
    """Waiting, running, done or failed, translated."""
    return str(STATES.get(job.state, job.state))


def kind_label(kind: str) -> str:
    """What a job does, translated."""
    return str(KINDS.get(kind, kind))
