/**
 * The HTTP side of the composition: health, and per account its web pages, the managed product's
 * API and SCIM, each built once per served account over that account's services. Slack's receiver
 * mounts on the same app (HTTP mode); `finish` adds the last-resort error page after it.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@slack/bolt';
import express, { type Express, Router } from 'express';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { type AccountScope, createAccountScope, nowhereAccount, type SharedDeps, settingsOf } from '../create-account-scope';
import { createAssetService } from '../domain/assets/asset-service';
import { createAuditFeed } from '../domain/audit/audit-feed';
import { passwordResetEverywhere } from '../domain/credentials/password-reset';
import { createProductHandoff } from '../domain/handoff/product-handoff';
import { createScimDirectory } from '../domain/scim/scim-directory';
import { ConfigError } from '../errors';
import { httpMetrics } from '../metrics/http-metrics';
import type { Metrics } from '../metrics/metrics-port';
import { scimRoutes } from '../scim/scim-routes';
import type { Tenancy } from '../tenancy';
import { type AccountRouters, accountRoutes } from './account-routes';
import { apiRoutes } from './api-routes';
import { auditRoutes } from './audit-routes';
import { createCsrf } from './csrf';
import { healthRoutes } from './health-routes';
import { createRateLimit } from './rate-limit';
import { reviewRoutes } from './review-routes';
import { lastResortErrors, webPages } from './web-pages';

/** Builds the web app over the tenancy's accounts; `ready` answers `/readyz`. */
export function createWebApp(deps: {
  shared: SharedDeps & { config: Config; logger: Logger };
  tenancy: Tenancy;
  ready: () => Promise<boolean>;
  /** Times SCIM and API requests and counts rate-limit refusals. */
  metrics?: Metrics;
  /** GET /metrics behind METRICS_TOKEN (src/metrics/metrics-endpoint.ts), when the token is set. */
  metricsRoute?: Router;
  /** More routes, served before the accounts' (the playground's page). */
  routes?: Router;
}): { web: Express; finish(): void } {
  const { shared, tenancy } = deps;
  const { config, prisma, clock, logger } = shared;
  const rateLimit = createRateLimit({ prisma, clock, metrics: deps.metrics });
  const csrf = createCsrf(config.linkSecret);
  const routers = new WeakMap<AccountScope, AccountRouters>();

  /** An account's web pages, API and SCIM routers, built on first use. */
  function routersOf(scope: AccountScope): AccountRouters {
    let built = routers.get(scope);
    if (!built) {
      const { signIn, passwordReset, handoff, changes, audit, reviews } = scope.domain;
      const accountId = scope.account.id;
      // PRODUCT_URL: the pages end at the product with a one-time code, which the API exchanges.
      const productHandoff = createProductHandoff({
        prisma,
        accountId,
        clock,
        productUrl: config.productUrl,
        multipleRoles: settingsOf(scope.account, config).catalog.policy.multipleRoles,
      });
      built = {
        pages: webPages({ signIn, passwordReset, handoff, rateLimit, csrf, logger, productHandoff }),
        api: apiRoutes({
          signIn,
          assets: createAssetService({ prisma, accountId, audit }),
          rateLimit,
          logger,
          accountRequired: tenancy.distributed,
          productHandoff,
        }),
        scim: scimRoutes({
          scim: createScimDirectory({ prisma, accountId }),
          changes,
          rateLimit,
          publicUrl: config.publicUrl,
          logger,
        }),
      };
      // GET /api/v1/audit answers before the rest of the API (src/web/audit-routes.ts).
      const feed = createAuditFeed({ db: prisma, accountId });
      built.api = Router().use(
        auditRoutes({ signIn, feed, rateLimit, logger, publicUrl: config.publicUrl }),
        // GET /api/v1/reviews/<id>/report likewise (src/web/review-routes.ts).
        reviewRoutes({ signIn, reviews, rateLimit, logger }),
        built.api,
      );
      routers.set(scope, built);
    }
    return built;
  }
  // Requests that name no account are answered over an account that holds nothing.
  const nowhereScope = createAccountScope(shared, nowhereAccount(), '');

  const web = express();
  web.disable('x-powered-by');
  // Decides req.ip, which every rate limit and the audit trail use; false (the default) trusts no proxy.
  web.set('trust proxy', config.trustProxy);
  web.use(healthRoutes({ ready: deps.ready }));
  if (deps.metricsRoute) web.use(deps.metricsRoute);
  if (deps.metrics) web.use(httpMetrics(deps.metrics));
  if (deps.routes) web.use(deps.routes);
  web.use(
    accountRoutes({
      prisma,
      routersOf: async (accountId) => {
        const scope = await tenancy.accounts.forId(accountId);
        return scope && routersOf(scope);
      },
      nowhere: routersOf(nowhereScope),
      forgot: webPages({
        signIn: nowhereScope.domain.signIn,
        handoff: nowhereScope.domain.handoff,
        passwordReset: passwordResetEverywhere({
          prisma,
          ttlHours: config.catalog.policy.passwordLinkTtlHours,
          resetIn: async (accountId) => (await tenancy.accounts.forId(accountId))?.domain.passwordReset ?? null,
        }),
        rateLimit,
        csrf,
        logger,
      }),
      defaultAccountId: tenancy.defaultAccountId,
      logger,
    }),
  );
  return { web, finish: () => web.use(lastResortErrors(logger)) };
}

/**
 * Idle keep-alive connections outlive the clients' and load balancers' own idle timeouts (60 s on
 * the common ones), so a client never sends a request on a connection Roster is closing at that
 * moment (ECONNRESET; a 502 behind a balancer). Node's default is 5 s.
 */
function keepConnectionsLonger(server: Server): Server {
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

/** A port in use, or not this process's to take, said in one line that names PORT; anything else as it is. */
function cannotListen(port: number) {
  return async (error: unknown): Promise<never> => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') {
      throw new ConfigError(
        `Roster cannot start: port ${port} is in use by another program. Stop it, or set PORT to another port (PORT=0 picks a free one).`,
      );
    }
    if (code === 'EACCES') {
      throw new ConfigError(`Roster cannot start: this process may not listen on port ${port}. Set PORT to one above 1023.`);
    }
    throw error;
  };
}

/**
 * Starts serving: in HTTP mode Slack's receiver listens and serves the web routes too; Socket Mode has
 * no HTTP receiver, so the web routes get a server of their own. Resolves with the bound port.
 */
export async function serve(
  slack: App,
  web: Express,
  options: { port: number; host?: string; socketMode: boolean },
): Promise<{ port: number; close(): Promise<void> }> {
  const { port, host } = options;
  if (!options.socketMode) {
    const server = keepConnectionsLonger((await slack.start(host ? { port, host } : port).catch(cannotListen(port))) as Server);
    return { port: (server.address() as AddressInfo).port, close: async () => undefined };
  }
  await slack.start();
  const server = keepConnectionsLonger(host ? web.listen(port, host) : web.listen(port));
  await new Promise((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', (error) => cannotListen(port)(error).catch(reject));
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
