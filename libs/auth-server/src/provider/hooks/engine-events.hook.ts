import type { Logger } from '@nestjs/common';
import type Provider from 'oidc-provider';
import type { KoaContextWithOIDC } from 'oidc-provider';
import type { AppGrantsStore, UsedGrant } from '../../grants/app-grants.store.js';

/** The account page's "last used": a code redeemed or a token refreshed under a user grant. */
export function recordAppGrantUse(provider: Provider, appGrants: AppGrantsStore): void {
  provider.on('grant.success', (ctx: KoaContextWithOIDC) => {
    const grant = ctx.oidc.entities.Grant as UsedGrant | undefined;
    void appGrants.recordUse(grant ?? {});
  });
}

/** The engine's server errors and Koa's own error event go to our log, not to stderr. */
export function logEngineErrors(provider: Provider, logger: Logger): void {
  provider.on('server_error', (_ctx: unknown, err: Error) =>
    logger.error(`engine server_error: ${err.message}`, err.stack),
  );
  // Koa's own error event (e.g. a client that cut its upload short after being answered):
  // client disconnects are routine.
  (provider as unknown as NodeJS.EventEmitter).on('error', (err: Error & { code?: string }) => {
    const code = err.code ?? '';
    if (code.startsWith('HPE_') || ['ECONNRESET', 'EPIPE', 'ECONNABORTED'].includes(code)) {
      logger.debug(`client connection error: ${err.message}`);
    } else {
      logger.warn(`engine error: ${err.message}`);
    }
  });
}
