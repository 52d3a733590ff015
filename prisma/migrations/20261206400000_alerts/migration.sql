-- Events (cells, receivers, trees, devices, agents, links), alert rules, notification channels, alerts
-- and their incidents.

-- CreateTable
CREATE TABLE "events" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "condition" TEXT NOT NULL,
    "monitor_id" TEXT,
    "group_id" TEXT,
    "device_id" TEXT,
    "agent_id" TEXT,
    "summary" TEXT NOT NULL,
    "details" JSONB NOT NULL,

    CONSTRAINT "events_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_rules" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "kinds" TEXT[],
    "states" TEXT[],
    "monitor_id" TEXT,
    "group_id" TEXT,
    "device_id" TEXT,
    "agent_id" TEXT,
    "for_seconds" INTEGER NOT NULL DEFAULT 0,
    "severity" TEXT NOT NULL DEFAULT 'major',
    "channel_ids" TEXT[],
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alert_channels" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "config" JSONB NOT NULL,
    "secret_enc" TEXT,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "alert_channels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "alerts" (
    "id" TEXT NOT NULL,
    "rule_id" TEXT,
    "rule_name" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "change" BOOLEAN NOT NULL DEFAULT false,
    "suppressed_by" TEXT,
    "summary" TEXT NOT NULL,
    "since" TIMESTAMP(3) NOT NULL,
    "fired_at" TIMESTAMP(3) NOT NULL,
    "resolved_at" TIMESTAMP(3),
    "resolved_by" TEXT,
    "acknowledged_at" TIMESTAMP(3),
    "acknowledged_by" TEXT,

    CONSTRAINT "alerts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "incidents" (
    "id" TEXT NOT NULL,
    "alert_id" TEXT NOT NULL,
    "opened_at" TIMESTAMP(3) NOT NULL,
    "closed_at" TIMESTAMP(3),
    "timeline" JSONB NOT NULL,
    "affected_cells" JSONB NOT NULL,
    "localisation" JSONB,
    "tree" JSONB,

    CONSTRAINT "incidents_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "events_at_idx" ON "events"("at");

-- CreateIndex
CREATE INDEX "events_subject_at_idx" ON "events"("subject", "at");

-- CreateIndex
CREATE INDEX "events_kind_at_idx" ON "events"("kind", "at");

-- CreateIndex
CREATE UNIQUE INDEX "alert_rules_name_key" ON "alert_rules"("name");

-- CreateIndex
CREATE UNIQUE INDEX "alert_channels_name_key" ON "alert_channels"("name");

-- CreateIndex
CREATE INDEX "alerts_state_fired_at_idx" ON "alerts"("state", "fired_at");

-- CreateIndex
CREATE INDEX "alerts_key_idx" ON "alerts"("key");

-- CreateIndex
CREATE UNIQUE INDEX "incidents_alert_id_key" ON "incidents"("alert_id");

-- AddForeignKey
ALTER TABLE "alerts" ADD CONSTRAINT "alerts_rule_id_fkey" FOREIGN KEY ("rule_id") REFERENCES "alert_rules"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "incidents" ADD CONSTRAINT "incidents_alert_id_fkey" FOREIGN KEY ("alert_id") REFERENCES "alerts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
