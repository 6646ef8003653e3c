-- A deleted user's API key moves to the account's owner (its heir) instead of dying with them: it keeps
-- its hash, answers as the heir with no more than the access its user had when they were deleted
-- ("inheritedAccess": roles and permissions then, bounded by the heir's now), and remembers whom it came
-- from. A key has either its holder or its heir.
ALTER TABLE "ApiKey" ALTER COLUMN "userId" DROP NOT NULL;
ALTER TABLE "ApiKey" ADD COLUMN "heirId" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "inheritedFromEmail" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "inheritedFromName" TEXT;
ALTER TABLE "ApiKey" ADD COLUMN "inheritedAt" TIMESTAMP(3);
ALTER TABLE "ApiKey" ADD COLUMN "inheritedAccess" JSONB;
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_holder_or_heir" CHECK (("userId" IS NULL) <> ("heirId" IS NULL));

CREATE INDEX "ApiKey_heirId_idx" ON "ApiKey"("heirId");

ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_heirId_fkey" FOREIGN KEY ("heirId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
