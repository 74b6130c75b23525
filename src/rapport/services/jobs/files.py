"""The files export jobs write (issue 12 item 1; K4, S13): one folder per job under the
data folder's `exports/`, downloaded by the job's owner, removed `export_hours` after the
job ended (by the server's job loop) or at once when the job is deleted.

Use cases: get (the finished file of a job), remove_expired, delete (a job and its file).
"""

from __future__ import annotations

import datetime as dt
import shutil
from dataclasses import dataclass
from pathlib import Path

from rapport.errors import N_, NotFound
from rapport.services.jobs import queue
from rapport.settings import Settings
from rapport.storage.db import Sessions

EXPORT = "export"
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "ndjson": "application/x-ndjson",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXPORTS = "exports"
PREFIX = "job-"


@dataclass(frozen=True)
class JobFile:
    """An export job's file: where it is, the name it is downloaded under, its format and
    that format's media type."""

    path: Path
    filename: str
    file_format: str

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.file_format]


def folder_of(settings: Settings, job_id: int) -> Path:
    return settings.data_folder() / EXPORTS / f"{PREFIX}{job_id}"


def get(sessions: Sessions, settings: Settings, job_id: int) -> JobFile:
    """The file a finished export job wrote; NotFound while it runs, for another kind of
    job, or once the file was removed (its retention is over)."""
    job = queue.get(sessions, job_id)
    if job.kind != EXPORT:
        raise NotFound(N_("job {job_id} is not an export; it has no file", job_id=job_id))
    if job.state != queue.DONE or not job.result:
        raise NotFound(
            N_(
                "job {job_id} is {state}; its file is there once it is done",
                job_id=job_id,
                state=job.state,
            )
        )
    name = str(job.result["filename"])
    path = folder_of(settings, job_id) / name
    if not path.is_file():
        raise NotFound(
            N_(
                "the file of job {job_id} was removed ({export_hours:g} hours after the job "
                "ended); export again",
                job_id=job_id,
                export_hours=settings.export_hours,
            )
        )
    return JobFile(path, name, str(job.result["format"]))


def remove_expired(sessions: Sessions, settings: Settings) -> int:
    """Remove the export files whose job ended more than `export_hours` ago, or is gone;
    the number of folders removed."""
    root = settings.data_folder() / EXPORTS
    if not root.is_dir():
        return 0
    folders = {
        int(path.name.removeprefix(PREFIX)): path
        for path in root.iterdir()
        if path.name.startswith(PREFIX) and path.name.removeprefix(PREFIX).isdigit()
    }
    if not folders:
        return 0
    since = queue.utcnow() - dt.timedelta(hours=settings.export_hours)
    kept = queue.get_kept(sessions, set(folders), finished_since=since)
    expired = [path for job_id, path in folders.items() if job_id not in kept]
    for path in expired:
        shutil.rmtree(path, ignore_errors=True)
    return len(expired)


def delete(sessions: Sessions, settings: Settings, job_id: int) -> None:
    """Delete a finished job and the file it wrote (if any); one still queued or running is
    refused (Conflict)."""
    queue.delete(sessions, job_id)
    shutil.rmtree(folder_of(settings, job_id), ignore_errors=True)
