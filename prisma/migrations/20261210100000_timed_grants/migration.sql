-- CreateTable
CREATE TABLE "TimedGrant" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "roleId" TEXT,
    "scope" TEXT,
    "scopeKey" TEXT NOT NULL DEFAULT '',
    "permission" TEXT,
    "reason" TEXT NOT NULL,
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "spanMinutes" INTEGER NOT NULL,
    "grantedBy" TEXT NOT NULL,
    "via" TEXT NOT NULL,
    "breakGlass" BOOLEAN NOT NULL DEFAULT false,
    "selfExtensions" INTEGER NOT NULL DEFAULT 0,
    "extensions" INTEGER NOT NULL DEFAULT 0,
    "warnedAt" TIMESTAMP(3),
    "endedAt" TIMESTAMP(3),
    "endReason" TEXT,
    "endedBy" TEXT,
    "reviewedAt" TIMESTAMP(3),
    "reviewedBy" TEXT,
    "reviewOutcome" TEXT,
    "raisedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TimedGrant_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "TimedGrant_accountId_endedAt_endsAt_idx" ON "TimedGrant"("accountId", "endedAt", "endsAt");

-- CreateIndex
CREATE INDEX "TimedGrant_endedAt_endsAt_idx" ON "TimedGrant"("endedAt", "endsAt");

-- CreateIndex
CREATE INDEX "TimedGrant_userId_endsAt_idx" ON "TimedGrant"("userId", "endsAt");

-- CreateIndex
CREATE INDEX "TimedGrant_accountId_breakGlass_reviewedAt_idx" ON "TimedGrant"("accountId", "breakGlass", "reviewedAt");

-- CreateIndex
CREATE INDEX "TimedGrant_breakGlass_reviewedAt_idx" ON "TimedGrant"("breakGlass", "reviewedAt");

-- CreateIndex
CREATE INDEX "TimedGrant_roleId_idx" ON "TimedGrant"("roleId");

-- AddForeignKey
ALTER TABLE "TimedGrant" ADD CONSTRAINT "TimedGrant_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimedGrant" ADD CONSTRAINT "TimedGrant_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TimedGrant" ADD CONSTRAINT "TimedGrant_roleId_fkey" FOREIGN KEY ("roleId") REFERENCES "Role"("id") ON DELETE CASCADE ON UPDATE CASCADE;

