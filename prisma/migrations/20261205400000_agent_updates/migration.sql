-- Agent releases the server hands out (install script, updates), and each agent's requested update.

-- AlterTable
ALTER TABLE "agents" ADD COLUMN     "target_version" TEXT,
ADD COLUMN     "update_changed_at" TIMESTAMP(3),
ADD COLUMN     "update_message" TEXT,
ADD COLUMN     "update_requested_at" TIMESTAMP(3),
ADD COLUMN     "update_state" TEXT;

-- CreateTable
CREATE TABLE "agent_releases" (
    "version" TEXT NOT NULL,
    "arch" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "file" TEXT NOT NULL,
    "registered_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agent_releases_pkey" PRIMARY KEY ("version","arch")
);
