-- AlterTable
ALTER TABLE "login_failure" ADD COLUMN     "pending" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "pending_until" TIMESTAMPTZ(3);
