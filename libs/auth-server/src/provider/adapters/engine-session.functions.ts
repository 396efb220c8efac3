import type { IncomingMessage, ServerResponse } from 'node:http';
import type Provider from 'oidc-provider';
import type { BrowserLogin, SignedInUser } from '../ports/engine-sessions.port.js';

/** Who is signed in to the browser's engine session (cookie `_session`), if anyone. */
export async function signedInUser(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<SignedInUser | undefined> {
  const session = await provider.Session.get(provider.createContext(req, res));
  return session.accountId ? { accountId: session.accountId, sessionUid: session.uid } : undefined;
}

/**
 * Signs the browser in to the engine's session outside an authorization request (the account
 * page's own login), as the engine does when an interaction ends with a login: the session id
 * changes (no fixation), and a session of another account is ended, not taken over. Apps the user
 * opens next find the session like any other.
 * @see https://github.com/panva/node-oidc-provider/blob/main/lib/actions/authorization/resume.js
 */
export async function signInBrowser(
  provider: Provider,
  req: IncomingMessage,
  res: ServerResponse,
  login: BrowserLogin,
): Promise<void> {
  const ctx = provider.createContext(req, res);
  let session = await provider.Session.get(ctx);
  if (session.accountId && session.accountId !== login.accountId) {
    await session.destroy();
    session = new provider.Session();
  } else if (!(session as { new?: boolean }).new) {
    session.resetIdentifier();
  }
  session.loginAccount({ accountId: login.accountId });
  await session.save(login.ttlSeconds);
  // The engine's own session cookie options (`cookies.long` in the configuration).
  ctx.cookies.set(provider.cookieName('session'), session.jti, {
    signed: true,
    httpOnly: true,
    sameSite: login.sameSite,
    maxAge: login.ttlSeconds * 1000,
  });
}
