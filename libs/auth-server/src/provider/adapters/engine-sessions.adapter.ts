import { Injectable } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { signedInUser, signInBrowser } from './engine-session.functions.js';
import { ProviderHost } from '../provider-host.service.js';
import {
  EngineSessions,
  type BrowserLogin,
  type SignedInUser,
} from '../ports/engine-sessions.port.js';

/** {@link EngineSessions} over oidc-provider's `Session` model (see engine-session.functions.ts). */
@Injectable()
export class EngineSessionsAdapter extends EngineSessions {
  constructor(private readonly host: ProviderHost) {
    super();
  }

  signedInUser(req: IncomingMessage, res: ServerResponse): Promise<SignedInUser | undefined> {
    return signedInUser(this.host.provider, req, res);
  }

  signIn(req: IncomingMessage, res: ServerResponse, login: BrowserLogin): Promise<void> {
    return signInBrowser(this.host.provider, req, res, login);
  }
}
