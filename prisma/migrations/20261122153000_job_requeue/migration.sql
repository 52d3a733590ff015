-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "attempt" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "requeue_until" TIMESTAMP(3);
