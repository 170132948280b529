-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "bump_signs_previous" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "events" ADD COLUMN     "breaking" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "attempts" ADD COLUMN     "reduced" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "response_body_encoding" TEXT NOT NULL DEFAULT 'utf8',
ADD COLUMN     "url" TEXT;


-- Backfill events.breaking. A stored body PostgreSQL's jsonb refuses (a lone
-- surrogate accepted before input was checked) counts as not breaking rather
-- than failing the migration.
DO $$
DECLARE r record;
BEGIN
  FOR r IN SELECT id, body FROM events WHERE body LIKE '%"breaking":true%' LOOP
    BEGIN
      UPDATE events SET breaking = coalesce((r.body::jsonb -> 'diff' ->> 'breaking')::boolean, false) WHERE id = r.id;
    EXCEPTION WHEN others THEN NULL;
    END;
  END LOOP;
END $$;
