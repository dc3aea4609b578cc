-- AlterTable
ALTER TABLE "audit_log" ADD COLUMN     "origin" TEXT NOT NULL DEFAULT 'api';
