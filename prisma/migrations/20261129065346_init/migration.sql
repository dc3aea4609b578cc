-- CreateTable
CREATE TABLE "account" (
    "user_id" INTEGER NOT NULL,
    "login_key" TEXT NOT NULL,
    "login" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "parent_id" INTEGER,
    "root_id" INTEGER NOT NULL,
    "licences" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "points" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "account_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "account_closure" (
    "ancestor_id" INTEGER NOT NULL,
    "descendant_id" INTEGER NOT NULL,
    "depth" INTEGER NOT NULL,

    CONSTRAINT "account_closure_pkey" PRIMARY KEY ("ancestor_id","descendant_id")
);

-- CreateTable
CREATE TABLE "launch" (
    "launch_id" SERIAL NOT NULL,
    "owner_id" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "error_code" INTEGER NOT NULL DEFAULT 0,
    "launch_count" INTEGER NOT NULL DEFAULT 0,
    "expire_time" TIMESTAMPTZ(3),
    "recur_seconds" INTEGER,
    "next_run_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "launch_pkey" PRIMARY KEY ("launch_id")
);

-- CreateTable
CREATE TABLE "job" (
    "job_id" SERIAL NOT NULL,
    "launch_id" INTEGER NOT NULL,
    "job_type" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "error_code" INTEGER NOT NULL DEFAULT 0,
    "cost" INTEGER NOT NULL DEFAULT 0,
    "points_charged" INTEGER NOT NULL DEFAULT 0,
    "paused_by_launch" BOOLEAN NOT NULL DEFAULT false,
    "next_step_at" TIMESTAMPTZ(3),
    "deleted_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "job_pkey" PRIMARY KEY ("job_id")
);

-- CreateTable
CREATE TABLE "recipient" (
    "recipient_id" BIGSERIAL NOT NULL,
    "job_id" INTEGER NOT NULL,
    "email_address" TEXT,
    "email_key" TEXT,
    "sms_number" TEXT,
    "sms_key" TEXT,
    "extern_ref_num" TEXT,
    "delivery_status" TEXT NOT NULL DEFAULT 'PENDING',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "recipient_pkey" PRIMARY KEY ("recipient_id")
);

-- CreateTable
CREATE TABLE "audit_log" (
    "audit_id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "account_id" INTEGER,
    "login" TEXT NOT NULL,
    "client_ip" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "target_type" TEXT NOT NULL,
    "target_id" INTEGER,
    "error_code" INTEGER NOT NULL,
    "before" JSONB,
    "after" JSONB,

    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("audit_id")
);

-- CreateTable
CREATE TABLE "login_failure" (
    "login_key" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "last_failure_at" TIMESTAMPTZ(3) NOT NULL,
    "locked_until" TIMESTAMPTZ(3),

    CONSTRAINT "login_failure_pkey" PRIMARY KEY ("login_key")
);

-- CreateTable
CREATE TABLE "setting" (
    "key" TEXT NOT NULL,
    "value" TEXT NOT NULL,

    CONSTRAINT "setting_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE UNIQUE INDEX "account_login_key_key" ON "account"("login_key");

-- CreateIndex
CREATE INDEX "account_parent_id_idx" ON "account"("parent_id");

-- CreateIndex
CREATE INDEX "account_root_id_idx" ON "account"("root_id");

-- CreateIndex
CREATE INDEX "account_closure_descendant_id_idx" ON "account_closure"("descendant_id");

-- CreateIndex
CREATE INDEX "launch_owner_id_idx" ON "launch"("owner_id");

-- CreateIndex
CREATE INDEX "launch_next_run_at_idx" ON "launch"("next_run_at");

-- CreateIndex
CREATE INDEX "job_launch_id_idx" ON "job"("launch_id");

-- CreateIndex
CREATE INDEX "job_next_step_at_idx" ON "job"("next_step_at");

-- CreateIndex
CREATE INDEX "recipient_job_id_email_key_idx" ON "recipient"("job_id", "email_key");

-- CreateIndex
CREATE INDEX "recipient_job_id_sms_key_idx" ON "recipient"("job_id", "sms_key");

-- CreateIndex
CREATE INDEX "recipient_job_id_extern_ref_num_idx" ON "recipient"("job_id", "extern_ref_num");

-- CreateIndex
CREATE INDEX "recipient_job_id_recipient_id_idx" ON "recipient"("job_id", "recipient_id");

-- CreateIndex
CREATE INDEX "audit_log_at_idx" ON "audit_log"("at");

-- CreateIndex
CREATE INDEX "audit_log_target_type_target_id_idx" ON "audit_log"("target_type", "target_id");

-- AddForeignKey
ALTER TABLE "account" ADD CONSTRAINT "account_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "account"("user_id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_closure" ADD CONSTRAINT "account_closure_ancestor_id_fkey" FOREIGN KEY ("ancestor_id") REFERENCES "account"("user_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "account_closure" ADD CONSTRAINT "account_closure_descendant_id_fkey" FOREIGN KEY ("descendant_id") REFERENCES "account"("user_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "launch" ADD CONSTRAINT "launch_owner_id_fkey" FOREIGN KEY ("owner_id") REFERENCES "account"("user_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "job" ADD CONSTRAINT "job_launch_id_fkey" FOREIGN KEY ("launch_id") REFERENCES "launch"("launch_id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "recipient" ADD CONSTRAINT "recipient_job_id_fkey" FOREIGN KEY ("job_id") REFERENCES "job"("job_id") ON DELETE RESTRICT ON UPDATE CASCADE;
