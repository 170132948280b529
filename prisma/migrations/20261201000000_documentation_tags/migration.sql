-- AlterTable
ALTER TABLE "documentations" ADD COLUMN     "tags" TEXT[] DEFAULT ARRAY[]::TEXT[];

