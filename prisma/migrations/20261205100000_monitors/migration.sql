-- Continuous monitors: definitions and participants, cells with their current state, state-change
-- events, and compact history (one row per receiving agent per interval or roll-up bucket, regrouped
-- per cell into 10-minute blocks for series reads).

-- CreateEnum
CREATE TYPE "MonitorState" AS ENUM ('running', 'stopped');

-- CreateTable
CREATE TABLE "monitors" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "state" "MonitorState" NOT NULL DEFAULT 'running',
    "definition" JSONB NOT NULL,
    "beacon_key_enc" TEXT NOT NULL,
    "created_by" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "monitors_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitor_participants" (
    "monitor_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "interface" TEXT NOT NULL,
    "role" TEXT NOT NULL,
    "joined" BOOLEAN NOT NULL DEFAULT true,

    CONSTRAINT "monitor_participants_pkey" PRIMARY KEY ("monitor_id","agent_id")
);

-- CreateTable
CREATE TABLE "monitor_cells" (
    "monitor_id" TEXT NOT NULL,
    "cell_no" INTEGER NOT NULL,
    "group_id" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "receiver_id" TEXT NOT NULL,
    "state" TEXT NOT NULL DEFAULT 'never-seen',
    "since" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "first_seen_at" TIMESTAMP(3),

    CONSTRAINT "monitor_cells_pkey" PRIMARY KEY ("monitor_id","cell_no")
);

-- CreateTable
CREATE TABLE "monitor_events" (
    "id" BIGSERIAL NOT NULL,
    "monitor_id" TEXT NOT NULL,
    "cell_no" INTEGER NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "from_state" TEXT,
    "to_state" TEXT NOT NULL,
    "reason" TEXT,

    CONSTRAINT "monitor_events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitor_layouts" (
    "id" SERIAL NOT NULL,
    "monitor_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "cells" INTEGER[],

    CONSTRAINT "monitor_layouts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "monitor_samples" (
    "monitor_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "tier" SMALLINT NOT NULL,
    "bucket_start" TIMESTAMP(3) NOT NULL,
    "intervals" SMALLINT NOT NULL,
    "layout_id" INTEGER NOT NULL,
    "data" BYTEA NOT NULL,
    "extra" JSONB,
    "received_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "monitor_samples_pkey" PRIMARY KEY ("monitor_id","agent_id","tier","bucket_start")
);

-- CreateTable
CREATE TABLE "monitor_blocks" (
    "monitor_id" TEXT NOT NULL,
    "agent_id" TEXT NOT NULL,
    "window_start" TIMESTAMP(3) NOT NULL,
    "layout_id" INTEGER NOT NULL,
    "offsets" INTEGER[],
    "data" BYTEA NOT NULL,

    CONSTRAINT "monitor_blocks_pkey" PRIMARY KEY ("monitor_id","agent_id","window_start")
);

-- CreateIndex
CREATE UNIQUE INDEX "monitors_name_key" ON "monitors"("name");

-- CreateIndex
CREATE INDEX "monitor_participants_agent_id_idx" ON "monitor_participants"("agent_id");

-- CreateIndex
CREATE UNIQUE INDEX "monitor_cells_monitor_id_group_id_source_receiver_id_key" ON "monitor_cells"("monitor_id", "group_id", "source", "receiver_id");

-- CreateIndex
CREATE INDEX "monitor_events_monitor_id_at_idx" ON "monitor_events"("monitor_id", "at");

-- CreateIndex
CREATE INDEX "monitor_events_monitor_id_cell_no_at_idx" ON "monitor_events"("monitor_id", "cell_no", "at");

-- CreateIndex
CREATE INDEX "monitor_layouts_monitor_id_agent_id_idx" ON "monitor_layouts"("monitor_id", "agent_id");

-- CreateIndex
CREATE INDEX "monitor_samples_monitor_id_tier_bucket_start_idx" ON "monitor_samples"("monitor_id", "tier", "bucket_start");

-- AddForeignKey
ALTER TABLE "monitor_participants" ADD CONSTRAINT "monitor_participants_monitor_id_fkey" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitor_participants" ADD CONSTRAINT "monitor_participants_agent_id_fkey" FOREIGN KEY ("agent_id") REFERENCES "agents"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "monitor_cells" ADD CONSTRAINT "monitor_cells_monitor_id_fkey" FOREIGN KEY ("monitor_id") REFERENCES "monitors"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Blocks are read by slices (one cell's points): stored uncompressed out of line, where substring()
-- fetches only the chunks it needs. History rows stay in the page up to ~8 kB instead of being toasted.
ALTER TABLE "monitor_blocks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
ALTER TABLE "monitor_samples" SET (toast_tuple_target = 8160);
