-- AlterTable
ALTER TABLE "job_results" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 1;

-- AlterTable
ALTER TABLE "task_runs" ADD COLUMN     "sequence_id" TEXT,
ADD COLUMN     "sequence_name" TEXT,
ADD COLUMN     "sequence_version" INTEGER;

-- CreateTable
CREATE TABLE "job_attempts" (
    "job_id" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "leased_at" TIMESTAMP(3) NOT NULL,
    "start_at" TIMESTAMP(3) NOT NULL,
    "lost_at" TIMESTAMP(3),
    "lost_reason" TEXT,

    CONSTRAINT "job_attempts_pkey" PRIMARY KEY ("job_id","attempt")
);

-- AddForeignKey
ALTER TABLE "job_attempts" ADD CONSTRAINT "job_attempts_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "jobs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
