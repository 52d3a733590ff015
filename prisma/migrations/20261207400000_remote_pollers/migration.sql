-- Remote pollers: a site on targets and agents; devices of a site are polled by an agent of that site.

-- CreateEnum
CREATE TYPE "RemotePollState" AS ENUM ('waiting', 'leased', 'done');

-- AlterTable
ALTER TABLE "targets" ADD COLUMN "last_poller" TEXT,
ADD COLUMN "site" TEXT;

-- AlterTable
ALTER TABLE "agents" ADD COLUMN "site" TEXT;

-- AlterTable
ALTER TABLE "discovery_devices" ADD COLUMN "site" TEXT;

-- CreateTable
CREATE TABLE "remote_polls" (
    "id" TEXT NOT NULL,
    "site" TEXT NOT NULL,
    "state" "RemotePollState" NOT NULL DEFAULT 'waiting',
    "agent_id" TEXT,
    "agent_name" TEXT,
    "leased_at" TIMESTAMP(3),
    "deadline" TIMESTAMP(3),
    "result" JSONB,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "remote_polls_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "remote_polls_site_state_created_at_idx" ON "remote_polls"("site", "state", "created_at");
