import { Injectable } from '@nestjs/common';
import { ClientRegistryService } from '../clients/client-registry.service.js';
import { EngineGrants } from '../provider/ports/engine-grants.port.js';
import { GrantAccessTokensService } from '../revocation/grant-access-tokens.service.js';
import { AppGrantsStore } from '../grants/app-grants.store.js';
import { ConsentStoreService } from '../grants/consent-store.service.js';

/** An app holding access for the user: live grants and/or a remembered consent. */
export interface AccountApp {
  clientId: string;
  name: string;
  /** Marked trusted by an admin: it is never asked for consent. */
  trusted: boolean;
  /** Every scope the app holds or was approved for (raw, deduplicated). */
  scopes: string[];
  /** Epoch milliseconds of the last token the app got; undefined when none is recorded. */
  lastUsedAt?: number;
}

/**
 * What the account page (`management_endpoint`) shows and does: the apps holding access for a
 * user, and revoking one of them everywhere.
 */
@Injectable()
export class AccountAppsService {
  constructor(
    private readonly engineGrants: EngineGrants,
    private readonly clients: ClientRegistryService,
    private readonly consents: ConsentStoreService,
    private readonly grants: AppGrantsStore,
    private readonly grantTokens: GrantAccessTokensService,
  ) {}

  /** The user's apps, by name. */
  async list(accountId: string): Promise<AccountApp[]> {
    const [grants, consents] = await Promise.all([
      this.grants.list(accountId),
      this.consents.list(accountId),
    ]);
    const byClient = new Map<string, { scopes: Set<string>; lastUsedAt?: number }>();
    const entry = (clientId: string) => {
      let app = byClient.get(clientId);
      if (!app) byClient.set(clientId, (app = { scopes: new Set() }));
      return app;
    };
    for (const consent of consents)
      consent.scopes.forEach((s) => entry(consent.clientId).scopes.add(s));
    for (const grant of grants) {
      const app = entry(grant.clientId);
      grant.scopes.forEach((s) => app.scopes.add(s));
      if (grant.lastUsedAt && grant.lastUsedAt > (app.lastUsedAt ?? 0)) {
        app.lastUsedAt = grant.lastUsedAt;
      }
    }
    const apps = await Promise.all(
      [...byClient].map(async ([clientId, app]) => {
        const client = await this.clients.find(clientId);
        return {
          clientId,
          name: client?.metadata.client_name ?? clientId,
          trusted: client?.trusted ?? false,
          scopes: [...app.scopes].filter(Boolean),
          lastUsedAt: app.lastUsedAt,
        };
      }),
    );
    return apps.sort(
      (a, b) => a.name.localeCompare(b.name) || a.clientId.localeCompare(b.clientId),
    );
  }

  /**
   * Revokes everything the app holds for the user: the remembered consent first (no silent new
   * grant), then each grant everywhere. Each grant is its own row, so revocations of different
   * apps (two tabs) never touch each other's data; a grant's row goes only after the grant is
   * revoked, so an interrupted revocation leaves the app listed to be revoked again.
   * @returns how many grants were revoked.
   */
  async revoke(accountId: string, clientId: string): Promise<number> {
    await this.consents.forget(accountId, clientId);
    const grantIds = await this.grants.grantIdsOf(accountId, clientId);
    for (const grantId of grantIds) {
      await this.revokeGrantEverywhere(grantId);
      await this.grants.forget(grantId);
    }
    return grantIds.length;
  }

  /**
   * The one place the account page revokes a grant: its refresh tokens and codes and the grant
   * itself (refresh then fails with `invalid_grant`, no authorization reuses it), and its JWT
   * access tokens through the revocation list (introspection then answers `active: false`).
   * Revocation propagation to resource servers hooks in here, with the other revocation paths.
   */
  private async revokeGrantEverywhere(grantId: string): Promise<void> {
    await this.grantTokens.revokeGrant(grantId);
    await this.engineGrants.revoke(grantId);
  }
}
