-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- CreateTable
CREATE TABLE "NoticeCursor" (
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "position" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NoticeCursor_pkey" PRIMARY KEY ("accountId","name")
);

-- CreateIndex
CREATE INDEX "AuditEvent_accountId_source_seq_idx" ON "AuditEvent"("accountId", "source", "seq");

-- AddForeignKey
ALTER TABLE "NoticeCursor" ADD CONSTRAINT "NoticeCursor_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
