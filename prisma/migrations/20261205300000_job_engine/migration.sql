-- Work runs on a PostgreSQL job queue (pg-boss, in its own schema "pgboss", which it creates and
-- migrates itself). A run records which worker executes its current job; a discovery run is one job per
-- device, counted across workers.

-- CreateEnum
CREATE TYPE "DevicePollState" AS ENUM ('pending', 'queued', 'polling', 'done', 'skipped');

-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "executor" TEXT,
ADD COLUMN     "job_id" TEXT,
ADD COLUMN     "job_queue" TEXT;

-- CreateTable
CREATE TABLE "discovery_runs" (
    "run_id" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "concurrency" INTEGER NOT NULL,
    "follow_credential_ids" TEXT[],
    "round" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "started_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "discovery_runs_pkey" PRIMARY KEY ("run_id")
);

-- CreateTable
CREATE TABLE "discovery_devices" (
    "id" TEXT NOT NULL,
    "run_id" TEXT NOT NULL,
    "round" INTEGER NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "port" INTEGER NOT NULL,
    "name" TEXT,
    "target_id" TEXT,
    "credential_id" TEXT,
    "state" "DevicePollState" NOT NULL DEFAULT 'pending',
    "executor" TEXT,
    "poller" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "facts" JSONB,
    "report" JSONB,
    "reason" TEXT,
    "finished_at" TIMESTAMP(3),

    CONSTRAINT "discovery_devices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "discovery_devices_run_id_key_key" ON "discovery_devices"("run_id", "key");

-- CreateIndex
CREATE INDEX "discovery_devices_run_id_state_round_position_idx" ON "discovery_devices"("run_id", "state", "round", "position");

-- CreateIndex
CREATE INDEX "discovery_devices_executor_idx" ON "discovery_devices"("executor");

-- AddForeignKey
ALTER TABLE "discovery_runs" ADD CONSTRAINT "discovery_runs_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discovery_devices" ADD CONSTRAINT "discovery_devices_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "discovery_runs"("run_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "discovery_devices" ADD CONSTRAINT "discovery_devices_credential_id_fkey" FOREIGN KEY ("credential_id") REFERENCES "credentials"("id") ON DELETE SET NULL ON UPDATE CASCADE;
