-- AlterEnum
ALTER TYPE "NoticeStatus" ADD VALUE 'queued';

-- DropIndex
DROP INDEX "SentNotice_accountId_status_idx";

-- AlterTable
ALTER TABLE "SentNotice" ADD COLUMN     "subjectId" TEXT;

-- CreateIndex
CREATE INDEX "SentNotice_accountId_rule_status_claimedAt_idx" ON "SentNotice"("accountId", "rule", "status", "claimedAt");
