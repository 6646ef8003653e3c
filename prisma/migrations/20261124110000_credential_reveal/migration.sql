-- CreateTable
CREATE TABLE "PendingCredential" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "prefix" TEXT,
    "tenureDays" INTEGER,
    "expiresAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PendingCredential_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SecretReveal" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "sealed" TEXT,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "revealedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SecretReveal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "PendingCredential_secretHash_key" ON "PendingCredential"("secretHash");

-- CreateIndex
CREATE INDEX "PendingCredential_userId_idx" ON "PendingCredential"("userId");

-- CreateIndex
CREATE UNIQUE INDEX "SecretReveal_tokenHash_key" ON "SecretReveal"("tokenHash");

-- CreateIndex
CREATE INDEX "SecretReveal_userId_idx" ON "SecretReveal"("userId");

-- AddForeignKey
ALTER TABLE "PendingCredential" ADD CONSTRAINT "PendingCredential_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SecretReveal" ADD CONSTRAINT "SecretReveal_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
