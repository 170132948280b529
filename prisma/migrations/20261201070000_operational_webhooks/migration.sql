-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "failing_notified_at" TIMESTAMPTZ(3),
ADD COLUMN     "kind" TEXT NOT NULL DEFAULT 'documentation',
ALTER COLUMN "documentation_id" DROP NOT NULL;

-- AlterTable
ALTER TABLE "events" ALTER COLUMN "documentation_id" DROP NOT NULL;

