import { Injectable } from '@nestjs/common';
import { authenticateClient } from '../client.authenticator.js';
import { ProviderHost } from '../provider-host.service.js';
import {
  EngineTokens,
  type AuthenticatedClient,
  type ClientAuthRequest,
  type StoredAccessToken,
} from '../ports/engine-tokens.port.js';

/** {@link EngineTokens} over oidc-provider's `AccessToken` and `Client` models. */
@Injectable()
export class EngineTokensAdapter extends EngineTokens {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  async findAccessToken(token: string): Promise<StoredAccessToken | undefined> {
    const found = await this.host.provider.AccessToken.find(token).catch(() => undefined);
    if (!found) return undefined;
    return { isValid: found.isValid, accountId: found.accountId, scope: found.scope };
  }

  async authenticateClient(request: ClientAuthRequest): Promise<AuthenticatedClient> {
    const client = await authenticateClient(this.host.provider, request);
    return { clientId: client.clientId, clientAuthMethod: client.clientAuthMethod };
  }
}
