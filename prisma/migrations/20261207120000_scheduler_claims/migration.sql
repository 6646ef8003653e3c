-- A scheduler pass that costs what is due (issue 27): indexes for the one query that finds the accounts
-- with anything due across every account, and the claims through which replicas share a pass.
-- CreateTable
CREATE TABLE "SchedulerClaim" (
    "accountId" TEXT NOT NULL,
    "owner" TEXT,
    "until" TIMESTAMP(3),
    "doneAt" TIMESTAMP(3),

    CONSTRAINT "SchedulerClaim_pkey" PRIMARY KEY ("accountId")
);

-- CreateIndex
CREATE INDEX "Invite_status_expiresAt_idx" ON "Invite"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "Invite_status_lastSentAt_idx" ON "Invite"("status", "lastSentAt");

-- CreateIndex
CREATE INDEX "Passcode_status_expiresAt_idx" ON "Passcode"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "ApprovalRequest_status_expiresAt_idx" ON "ApprovalRequest"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "SentNotice_status_claimedAt_idx" ON "SentNotice"("status", "claimedAt");

-- AddForeignKey
ALTER TABLE "SchedulerClaim" ADD CONSTRAINT "SchedulerClaim_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
