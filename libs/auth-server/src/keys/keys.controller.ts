import { Controller, HttpCode, Post, UseFilters } from '@nestjs/common';
import { ApiOperation, ApiTags } from '../admin/openapi.decorators.js';
import { AdminActor } from '../admin/admin-actor.decorator.js';
import { AdminErrorFilter } from '../admin/admin-error.filter.js';
import { AdminScopes } from '../admin/admin-scopes.decorator.js';
import { AuditTrailService } from '../audit/audit-trail.service.js';
import type { ClientActor } from '../clients/clients.service.js';
import { ProviderHost } from '../provider/provider-host.service.js';
import { SigningKeysService } from './signing-keys.service.js';

/** Key rotation: new keys are published now, sign after every instance has seen them. */
@ApiTags('keys')
@Controller('admin/keys')
@AdminScopes('admin')
@UseFilters(AdminErrorFilter)
export class KeysController {
  constructor(
    private readonly keys: SigningKeysService,
    private readonly host: ProviderHost,
    private readonly audit: AuditTrailService,
  ) {}

  @Post('rotate')
  @HttpCode(202)
  @ApiOperation({
    summary:
      'Rotate signing keys (publish now, sign later, retire the old ones after the longest token lifetime)',
  })
  async rotate(@AdminActor() actor: ClientActor): Promise<{ published: string[] }> {
    const published = (await this.keys.rotate()).filter((kid) => !kid.startsWith('cookie'));
    await this.host.refreshKeys();
    await this.audit.record({
      actor: actor.actor,
      action: 'keys.rotate',
      targetType: 'signing_key',
      details: { published },
    });
    return { published };
  }
}
