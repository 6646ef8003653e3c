-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "slackEnterpriseId" TEXT,
ADD COLUMN     "slug" TEXT,
ADD COLUMN     "seatLimit" INTEGER,
ADD COLUMN     "inviteTtlHours" DOUBLE PRECISION,
ADD COLUMN     "approvalsChannel" TEXT,
ADD COLUMN     "noticesChannel" TEXT,
ADD COLUMN     "catalogPreset" TEXT,
ADD COLUMN     "settingsVersion" INTEGER NOT NULL DEFAULT 1;

-- CreateTable
CREATE TABLE "SlackInstallation" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "installKey" TEXT NOT NULL,
    "teamId" TEXT,
    "enterpriseId" TEXT,
    "isEnterpriseInstall" BOOLEAN NOT NULL DEFAULT false,
    "installerSlackId" TEXT,
    "sealed" TEXT NOT NULL,
    "installedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "SlackInstallation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Account_slackEnterpriseId_key" ON "Account"("slackEnterpriseId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_slug_key" ON "Account"("slug");

-- CreateIndex
CREATE INDEX "User_email_idx" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "SlackInstallation_accountId_key" ON "SlackInstallation"("accountId");

-- CreateIndex
CREATE UNIQUE INDEX "SlackInstallation_installKey_key" ON "SlackInstallation"("installKey");

-- AddForeignKey
ALTER TABLE "SlackInstallation" ADD CONSTRAINT "SlackInstallation_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;
