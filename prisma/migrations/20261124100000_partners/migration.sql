-- A user may hold a scoped role once per scope (a Normal user with several partner scopes).
ALTER TABLE "UserRole" ADD COLUMN     "scopeKey" TEXT NOT NULL DEFAULT '';
UPDATE "UserRole" SET "scopeKey" = lower("scope") WHERE "scope" IS NOT NULL;
ALTER TABLE "UserRole" DROP CONSTRAINT "UserRole_pkey",
ADD CONSTRAINT "UserRole_pkey" PRIMARY KEY ("userId", "roleId", "scopeKey");

-- CreateTable
CREATE TABLE "Partner" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "nameKey" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Partner_pkey" PRIMARY KEY ("id")
);

-- Scopes already held become the account's partners.
INSERT INTO "Partner" ("id", "accountId", "name", "nameKey")
SELECT gen_random_uuid()::text, r."accountId", min(ur."scope"), lower(ur."scope")
FROM "UserRole" ur JOIN "Role" r ON r."id" = ur."roleId"
WHERE ur."scope" IS NOT NULL
GROUP BY r."accountId", lower(ur."scope");

-- CreateIndex
CREATE UNIQUE INDEX "Partner_accountId_nameKey_key" ON "Partner"("accountId", "nameKey");

-- AddForeignKey
ALTER TABLE "Partner" ADD CONSTRAINT "Partner_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
