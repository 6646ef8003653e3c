-- Access reviews (issue 25): campaigns and the rows their reviewers decide.
-- CreateTable
CREATE TABLE "ReviewCampaign" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "number" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "scope" JSONB NOT NULL,
    "reviewers" JSONB NOT NULL,
    "onOverdue" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'open',
    "startedById" TEXT,
    "startedByEmail" TEXT NOT NULL,
    "schedule" TEXT,
    "periodKey" TEXT,
    "dueAt" TIMESTAMP(3) NOT NULL,
    "nextReminderAt" TIMESTAMP(3),
    "overdueAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closedByEmail" TEXT,
    "closeReason" TEXT,

    CONSTRAINT "ReviewCampaign_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ReviewRow" (
    "id" TEXT NOT NULL,
    "campaignId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "userId" TEXT,
    "email" TEXT NOT NULL,
    "name" TEXT,
    "access" TEXT NOT NULL,
    "lastLoginAt" TIMESTAMP(3),
    "invitedByEmail" TEXT,
    "invitedAt" TIMESTAMP(3),
    "reviewerId" TEXT,
    "reviewerEmail" TEXT NOT NULL,
    "decision" TEXT,
    "note" TEXT,
    "decidedById" TEXT,
    "decidedByEmail" TEXT,
    "decidedAt" TIMESTAMP(3),
    "requestId" TEXT,
    "outcome" TEXT,

    CONSTRAINT "ReviewRow_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ReviewCampaign_status_nextReminderAt_idx" ON "ReviewCampaign"("status", "nextReminderAt");

-- CreateIndex
CREATE INDEX "ReviewCampaign_status_dueAt_idx" ON "ReviewCampaign"("status", "dueAt");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCampaign_accountId_number_key" ON "ReviewCampaign"("accountId", "number");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewCampaign_accountId_periodKey_key" ON "ReviewCampaign"("accountId", "periodKey");

-- CreateIndex
CREATE INDEX "ReviewRow_campaignId_reviewerId_decision_position_idx" ON "ReviewRow"("campaignId", "reviewerId", "decision", "position");

-- CreateIndex
CREATE UNIQUE INDEX "ReviewRow_campaignId_position_key" ON "ReviewRow"("campaignId", "position");

-- AddForeignKey
ALTER TABLE "ReviewCampaign" ADD CONSTRAINT "ReviewCampaign_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ReviewRow" ADD CONSTRAINT "ReviewRow_campaignId_fkey" FOREIGN KEY ("campaignId") REFERENCES "ReviewCampaign"("id") ON DELETE CASCADE ON UPDATE CASCADE;

