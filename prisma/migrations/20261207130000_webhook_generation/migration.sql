-- A replay or resume no longer takes the lease away from the replica delivering to the endpoint (which
-- would let a second replica deliver at the same time): it bumps the endpoint's generation, and the
-- holder's next write, conditional on the generation it claimed, is refused.
-- AlterTable
ALTER TABLE "WebhookEndpoint" ADD COLUMN "generation" INTEGER NOT NULL DEFAULT 0;
