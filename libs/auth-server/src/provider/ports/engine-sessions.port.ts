import type { IncomingMessage, ServerResponse } from 'node:http';

/** The account signed in to the engine's browser session, and the session's stable uid. */
export interface SignedInUser {
  accountId: string;
  /** Stays the same for the session's life (the cookie value changes at every login). */
  sessionUid: string;
}

/** A sign-in of the browser outside an authorization request (the account page's own login). */
export interface BrowserLogin {
  accountId: string;
  ttlSeconds: number;
  sameSite: 'lax' | 'none';
}

/** The engine's browser session (cookie `_session`), shared by apps and the account page. */
export abstract class EngineSessions {
  /** Who is signed in to the browser's session, if anyone. */
  abstract signedInUser(
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<SignedInUser | undefined>;

  /** Signs the browser in, as the engine does when an interaction ends with a login. */
  abstract signIn(req: IncomingMessage, res: ServerResponse, login: BrowserLogin): Promise<void>;
}
