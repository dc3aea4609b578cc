-- CreateTable
CREATE TABLE "console_session" (
    "session_key" TEXT NOT NULL,
    "user_id" INTEGER NOT NULL,
    "data" JSONB NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "console_session_pkey" PRIMARY KEY ("session_key")
);

-- CreateTable
-- UNLOGGED: the journal is written far more than read, and a debugging aid (a crash of PostgreSQL empties it).
CREATE UNLOGGED TABLE "request_journal" (
    "journal_id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "account_id" INTEGER,
    "login" TEXT,
    "client_ip" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "content_type" TEXT,
    "http_status" INTEGER NOT NULL,
    "error_code" INTEGER,
    "duration_ms" REAL NOT NULL,
    "params" JSON NOT NULL,
    "xml_source" TEXT,
    "injected" JSONB,
    "answer" TEXT NOT NULL,

    CONSTRAINT "request_journal_pkey" PRIMARY KEY ("journal_id")
);

-- CreateTable
CREATE TABLE "sandbox_rule" (
    "account_id" INTEGER NOT NULL,
    "latency_ms" INTEGER NOT NULL DEFAULT 0,
    "error_code" INTEGER,
    "remaining" INTEGER,
    "until" TIMESTAMPTZ(3),
    "set_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "sandbox_rule_pkey" PRIMARY KEY ("account_id")
);

-- CreateIndex
CREATE INDEX "console_session_user_id_idx" ON "console_session"("user_id");

-- CreateIndex
CREATE INDEX "console_session_expires_at_idx" ON "console_session"("expires_at");

-- CreateIndex
CREATE INDEX "request_journal_account_id_journal_id_idx" ON "request_journal"("account_id", "journal_id");

-- AddForeignKey
ALTER TABLE "console_session" ADD CONSTRAINT "console_session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "account"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sandbox_rule" ADD CONSTRAINT "sandbox_rule_account_id_fkey" FOREIGN KEY ("account_id") REFERENCES "account"("user_id") ON DELETE CASCADE ON UPDATE CASCADE;
