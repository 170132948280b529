-- AlterTable
ALTER TABLE "webhooks" ADD COLUMN     "max_concurrency" INTEGER,
ADD COLUMN     "rate_limit_per_second" INTEGER;
