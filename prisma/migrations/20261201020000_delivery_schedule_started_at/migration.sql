-- AlterTable
ALTER TABLE "deliveries" ADD COLUMN     "schedule_started_at" TIMESTAMPTZ(3);

