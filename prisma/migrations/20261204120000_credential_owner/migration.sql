-- Credentials belong to the user who created them: identical secrets of two users are two rows (so
-- creating one never confirms another user's secret), and only the owner or an admin may attach one.

-- DropIndex
DROP INDEX "credentials_fingerprint_key";

-- AlterTable
ALTER TABLE "credentials" ADD COLUMN     "owner_id" TEXT;

-- CreateIndex
CREATE INDEX "credentials_owner_id_fingerprint_idx" ON "credentials"("owner_id", "fingerprint");

-- AddForeignKey
ALTER TABLE "credentials" ADD CONSTRAINT "credentials_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Existing credentials belong to whoever the audit trail says created them; the rest (imported in bulk,
-- or made on the command line) stay unowned: admins only.
UPDATE "credentials" c SET "owner_id" = (
  SELECT a."actor_id" FROM "audit_events" a
  WHERE a."entity" = 'credential' AND a."action" = 'create' AND a."entity_id" = c."id"
    AND a."actor_id" IN (SELECT u."id" FROM "users" u)
  ORDER BY a."at" LIMIT 1
);
