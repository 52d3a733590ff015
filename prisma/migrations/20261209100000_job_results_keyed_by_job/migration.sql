-- job_results: keyed by (job_id, id) instead of by id alone, and the (job_id, at) index dropped.
--
-- Why: every result row was written into two indexes, the id key and (job_id, at). One key led by the job
-- serves both: a job's results are read by job (its results page, a run's barrier arrivals, the cascade
-- from jobs), and a job has few enough results to order them by time after reading them. Writing 550 rows
-- (50 agents' 10-step sequences) took 11.8 ms against 13.6 ms on the embedded database, median of 24
-- statements each, in three runs.
--
-- What changes: a result id is unique within its job. An agent picks its results' ids (UUIDs), and a
-- retry sends the same ids for the same job, so a retry is still stored once. A result of one job can no
-- longer hide another job's result that happens to (or is made to) carry the same id.
ALTER TABLE "job_results" DROP CONSTRAINT "job_results_pkey";
DROP INDEX "job_results_job_id_at_idx";
ALTER TABLE "job_results" ADD CONSTRAINT "job_results_pkey" PRIMARY KEY ("job_id", "id");
