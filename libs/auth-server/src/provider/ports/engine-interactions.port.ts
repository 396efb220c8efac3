import type { IncomingMessage, ServerResponse } from 'node:http';

/** The engine's interaction (login, picker, consent), as far as the pages use it. */
export interface InteractionDetails {
  uid: string;
  prompt: { name: string };
  params: Record<string, unknown>;
  session?: { accountId?: string };
  exp: number;
}

/** How an interaction ends: a login, a consent (the grant), or an OAuth error for the app. */
export type InteractionResult =
  | { login: { accountId: string } }
  | { consent: { grantId: string } }
  | { error: string; error_description: string };

/**
 * The interaction pages' view of the engine: which interaction a browser request belongs to, and
 * ending it (the engine then redirects the browser back to the authorization endpoint).
 */
export abstract class EngineInteractions {
  /** The interaction bound to the browser (its `_interaction` cookie); throws when none is. */
  abstract details(req: IncomingMessage, res: ServerResponse): Promise<InteractionDetails>;

  /**
   * Ends the interaction loaded by {@link details} in this request with `result` (stored with the
   * interaction in one write, changed `params` included) and answers the browser with the
   * engine's redirect. `mergeWithLastSubmission` keeps the results of earlier steps (the login
   * before a consent).
   */
  abstract finish(
    details: InteractionDetails,
    res: ServerResponse,
    result: InteractionResult,
    options: { mergeWithLastSubmission: boolean },
  ): Promise<void>;
}
