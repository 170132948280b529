-- AlterTable
ALTER TABLE "api_keys" ADD COLUMN     "last_used_at" TIMESTAMPTZ(3),
ADD COLUMN     "scopes" TEXT[] DEFAULT ARRAY['admin']::TEXT[];

-- AlterTable
ALTER TABLE "documentations" ADD COLUMN     "deleted_at" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "organization_id" UUID;

-- CreateIndex
CREATE INDEX "webhooks_organization_id_idx" ON "webhooks"("organization_id");

-- CreateIndex
CREATE INDEX "events_created_at_idx" ON "events"("created_at");

-- CreateIndex
CREATE INDEX "events_organization_id_type_idx" ON "events"("organization_id", "type");

-- CreateIndex
CREATE INDEX "deliveries_organization_id_id_idx" ON "deliveries"("organization_id", "id" DESC);

-- CreateIndex
CREATE INDEX "deliveries_created_at_idx" ON "deliveries"("created_at");


-- Existing deliveries take their webhook's organization.
UPDATE "deliveries" d SET "organization_id" = w."organization_id" FROM "webhooks" w WHERE w."id" = d."webhook_id" AND d."organization_id" IS NULL;

-- Every INSERT that leaves organization_id out (ingest, recovery) gets it from the webhook,
-- so the organization-wide search index covers every row without changing those statements.
CREATE FUNCTION "deliveries_set_organization"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT "organization_id" INTO NEW."organization_id" FROM "webhooks" WHERE "id" = NEW."webhook_id";
  RETURN NEW;
END $$;

CREATE TRIGGER "deliveries_set_organization" BEFORE INSERT ON "deliveries"
  FOR EACH ROW WHEN (NEW."organization_id" IS NULL) EXECUTE FUNCTION "deliveries_set_organization"();
