-- CreateTable
CREATE TABLE "snapshots" (
    "id" TEXT NOT NULL,
    "run_id" TEXT,
    "taken_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "summary" JSONB NOT NULL,
    "topology" JSONB NOT NULL,

    CONSTRAINT "snapshots_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "snapshot_devices" (
    "snapshot_id" TEXT NOT NULL,
    "device_id" TEXT NOT NULL,
    "sys_name" TEXT,
    "addresses" TEXT[],
    "macs" TEXT[],
    "facts" JSONB NOT NULL,

    CONSTRAINT "snapshot_devices_pkey" PRIMARY KEY ("snapshot_id","device_id")
);

-- CreateIndex
CREATE UNIQUE INDEX "snapshots_run_id_key" ON "snapshots"("run_id");

-- CreateIndex
CREATE INDEX "snapshots_taken_at_idx" ON "snapshots"("taken_at");

-- AddForeignKey
ALTER TABLE "snapshots" ADD CONSTRAINT "snapshots_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "task_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "snapshot_devices" ADD CONSTRAINT "snapshot_devices_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "snapshots"("id") ON DELETE CASCADE ON UPDATE CASCADE;
