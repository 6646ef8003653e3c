-- Access reviews: the group or partner behind a row by id (a rename does not lose it), and the index of the campaigns waiting for a reviewer.
-- AlterTable
ALTER TABLE "ReviewRow" ADD COLUMN     "accessId" TEXT;

-- CreateIndex
CREATE INDEX "ReviewRow_accountId_reviewerId_decision_idx" ON "ReviewRow"("accountId", "reviewerId", "decision");

