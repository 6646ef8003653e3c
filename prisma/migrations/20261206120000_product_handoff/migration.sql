-- One-time codes that hand a user to the managed product after the invite or password page (PRODUCT_URL).
-- CreateTable
CREATE TABLE "ProductHandoffCode" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductHandoffCode_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ProductHandoffCode_codeHash_key" ON "ProductHandoffCode"("codeHash");

-- CreateIndex
CREATE INDEX "ProductHandoffCode_expiresAt_idx" ON "ProductHandoffCode"("expiresAt");
