-- A snapshot's topology document is stored in parts of bounded size rather than one document of tens of
-- MB: one top-level collection per key in slices (slice = true), every other top-level value whole.

-- CreateTable
CREATE TABLE "snapshot_parts" (
    "snapshot_id" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "seq" INTEGER NOT NULL,
    "slice" BOOLEAN NOT NULL,
    "items" JSONB NOT NULL,

    CONSTRAINT "snapshot_parts_pkey" PRIMARY KEY ("snapshot_id","key","seq")
);

-- AddForeignKey
ALTER TABLE "snapshot_parts" ADD CONSTRAINT "snapshot_parts_snapshot_id_fkey" FOREIGN KEY ("snapshot_id") REFERENCES "snapshots"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Existing snapshots: each top-level value becomes one part (a collection as one slice).
INSERT INTO "snapshot_parts" ("snapshot_id", "key", "seq", "slice", "items")
SELECT s."id", t."key", 0, jsonb_typeof(t."value") = 'array', t."value"
FROM "snapshots" s, jsonb_each(s."topology") t;

-- AlterTable
ALTER TABLE "snapshots" DROP COLUMN "topology";
