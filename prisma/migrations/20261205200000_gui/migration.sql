-- Several targets at one address and port when their credentials differ (SNMP proxies, community-indexed
-- contexts); still one per address, port and credential (no credential counts as one value).
DROP INDEX "targets_address_port_key";
CREATE UNIQUE INDEX "targets_address_port_credential_id_key" ON "targets"("address", "port", "credential_id") NULLS NOT DISTINCT;

-- What the newest discovery found at each target, for the targets table.
ALTER TABLE "targets" ADD COLUMN "last_polled_at" TIMESTAMP(3),
    ADD COLUMN "last_status" TEXT,
    ADD COLUMN "last_sys_name" TEXT,
    ADD COLUMN "last_reason" TEXT;

-- Credentials made for a pasted list or a target without a name of their own: removed once no target uses them.
ALTER TABLE "credentials" ADD COLUMN "auto" BOOLEAN NOT NULL DEFAULT false;

-- Node positions on the map, per user and layer, so a new node does not re-lay out the rest.
CREATE TABLE "map_positions" (
    "user_id" TEXT NOT NULL,
    "layer" TEXT NOT NULL,
    "positions" JSONB NOT NULL,
    "updated_at" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "map_positions_pkey" PRIMARY KEY ("user_id","layer")
);
ALTER TABLE "map_positions" ADD CONSTRAINT "map_positions_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
