-- CreateEnum
CREATE TYPE "version_status" AS ENUM ('pending', 'done', 'failed');

-- CreateTable
CREATE TABLE "documentation_versions" (
    "id" UUID NOT NULL,
    "organization_id" UUID NOT NULL,
    "documentation_id" UUID NOT NULL,
    "previous_version_id" UUID,
    "version" TEXT NOT NULL,
    "specification" TEXT NOT NULL,
    "content_hash" TEXT NOT NULL,
    "definition" TEXT NOT NULL,
    "status" "version_status" NOT NULL DEFAULT 'pending',
    "diff" JSONB,
    "summary" JSONB,
    "event_id" UUID,
    "error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "completed_at" TIMESTAMPTZ(3),

    CONSTRAINT "documentation_versions_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "documentation_versions_documentation_id_id_idx" ON "documentation_versions"("documentation_id", "id" DESC);

-- CreateIndex
CREATE INDEX "documentation_versions_event_id_idx" ON "documentation_versions"("event_id");

-- AddForeignKey
ALTER TABLE "documentation_versions" ADD CONSTRAINT "documentation_versions_documentation_id_fkey" FOREIGN KEY ("documentation_id") REFERENCES "documentations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

