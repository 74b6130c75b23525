"""An export job's memory stays flat (issue 12 item 1; K4): the rows come from a
server-side cursor in batches and go to the file one at a time, so the job's peak of
Python memory while it writes three times as many rows is about the same, where a job
holding every row would need three times as much."""

from __future__ import annotations

import tracemalloc

import pytest

from rapport.services.jobs import queue as jobs
from rapport.services.jobs.runners import runners
from rapport.services.transfer import imports
from rapport.services.transfer.exports import BATCH
from rapport.settings import Settings


def peak_of_export_job(sessions, database_url, folder, rows):
    """The peak of Python memory (bytes) while the server's export job writes `rows`
    contacts as CSV."""
    path = folder / f"contacts-{rows}.csv"
    path.write_text(
        "no,type,name,address,city,email\n"
        + "".join(
            f"C{i:07d},company,Company {i},Street {i},City {i % 97},info{i}@example.test\n"
            for i in range(rows)
        )
    )
    imports.import_table(sessions, "contacts", path, update=True, by="tester")
    settings = Settings(database_url=database_url, data_dir=str(folder / "data"))
    params = {"table": "contacts", "where": None, "format": "csv", "filename": f"{rows}.csv"}
    job_id = jobs.submit(sessions, kind="export", params=params, by="TEST")
    kinds = runners(settings)
    tracemalloc.start()
    try:
        jobs.run_next(sessions, kinds)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    job = jobs.get(sessions, job_id)
    assert (job.state, job.result["rows"]) == ("done", rows), job
    return peak


@pytest.mark.slow
def test_k4_an_export_jobs_memory_does_not_grow_with_its_rows(sessions, database_url, tmp_path):
    small, large = BATCH + 2_000, 3 * (BATCH + 2_000)
    small_peak = peak_of_export_job(sessions, database_url, tmp_path, small)
    large_peak = peak_of_export_job(sessions, database_url, tmp_path, large)
    assert large_peak < 1.5 * small_peak, (small_peak, large_peak)
