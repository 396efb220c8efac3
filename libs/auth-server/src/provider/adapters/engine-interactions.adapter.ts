import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderHost } from '../provider-host.service.js';
import {
  EngineInteractions,
  type InteractionDetails,
  type InteractionResult,
} from '../ports/engine-interactions.port.js';

/** {@link EngineInteractions} over oidc-provider's `interactionDetails` / `interactionFinished`. */
@Injectable()
export class EngineInteractionsAdapter extends EngineInteractions {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  details(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails> {
    return this.host.provider.interactionDetails(req, res);
  }

  async finish(
    req: IncomingMessage,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void> {
    await this.host.provider.interactionFinished(req, res, result, options);
  }
}
