import { Injectable } from '@nestjs/common';
import { revokeEngineGrant } from '../grant-revocation.functions.js';
import { ProviderHost } from '../provider-host.service.js';
import { EngineGrants, type NewGrant } from '../ports/engine-grants.port.js';

/** {@link EngineGrants} over oidc-provider's `Grant` model and its storage adapter. */
@Injectable()
export class EngineGrantsAdapter extends EngineGrants {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  create(input: NewGrant): Promise<string> {
    const grant = new this.host.provider.Grant({
      accountId: input.accountId,
      clientId: input.clientId,
    });
    if (input.openidScope) grant.addOIDCScope(input.openidScope);
    if (input.resourceScope?.scope) {
      grant.addResourceScope(input.resourceScope.resource, input.resourceScope.scope);
    }
    return grant.save();
  }

  revoke(grantId: string): Promise<void> {
    return revokeEngineGrant(this.host.provider, grantId);
  }
}
