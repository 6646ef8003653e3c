-- CreateTable
CREATE TABLE "ViewState" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "data" JSONB NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ViewState_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ViewState_accountId_expiresAt_idx" ON "ViewState"("accountId", "expiresAt");
