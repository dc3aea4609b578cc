-- DropIndex
DROP INDEX "recipient_job_id_extern_ref_num_idx";

-- AlterTable
ALTER TABLE "recipient" ADD COLUMN     "extern_ref_key" TEXT;

-- Backfill (hand-written): the lookup key of recipients stored before this migration.
UPDATE "recipient" SET "extern_ref_key" = lower("extern_ref_num") WHERE "extern_ref_num" IS NOT NULL;

-- CreateIndex
CREATE INDEX "recipient_job_id_extern_ref_key_idx" ON "recipient"("job_id", "extern_ref_key");
