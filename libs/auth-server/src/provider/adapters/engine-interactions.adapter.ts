import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProviderHost } from '../provider-host.service.js';
import {
  EngineInteractions,
  type InteractionDetails,
  type InteractionResult,
} from '../ports/engine-interactions.port.js';

/** What the engine's `Interaction` model offers beyond the port's view of it. */
interface EngineInteraction extends InteractionDetails {
  result?: unknown;
  lastSubmission?: Record<string, unknown>;
  returnTo: string;
  save(ttlSeconds: number): Promise<string>;
}

/**
 * {@link EngineInteractions} over oidc-provider's `interactionDetails` and its `Interaction`
 * model. Finishing does what the engine's `interactionFinished` does (result merged with the last
 * submission, one save, a 303 to `returnTo`) on the interaction this request already loaded and
 * checked, instead of loading it and its session again: two reads fewer per finished step.
 */
@Injectable()
export class EngineInteractionsAdapter extends EngineInteractions {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  details(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails> {
    return this.host.provider.interactionDetails(req, res);
  }

  async finish(
    details: InteractionDetails,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void> {
    const interaction = details as EngineInteraction;
    interaction.result =
      options.mergeWithLastSubmission && !('error' in result)
        ? { ...interaction.lastSubmission, ...result }
        : result;
    await interaction.save(Math.max(1, interaction.exp - Math.floor(Date.now() / 1000)));
    res.statusCode = 303;
    res.setHeader('Location', interaction.returnTo);
    res.setHeader('Content-Length', '0');
    res.end();
  }
}
