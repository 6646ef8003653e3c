-- AlterTable
ALTER TABLE "SentNotice" ADD COLUMN     "groupKey" TEXT;

-- Inviter DMs queued before this release are grouped by their inviter (alone when the invite is gone).
UPDATE "SentNotice" AS n
SET "groupKey" = COALESCE((SELECT i."invitedById" FROM "Invite" AS i WHERE i."id" = n."subjectId"), n."subjectId", n."id")
WHERE n."rule" = 'expiry-dm' AND n."status" IN ('queued', 'claimed');

-- CreateIndex
CREATE INDEX "SentNotice_accountId_rule_groupKey_status_idx" ON "SentNotice"("accountId", "rule", "groupKey", "status");
