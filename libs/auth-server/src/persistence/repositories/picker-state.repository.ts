import { Injectable } from '@nestjs/common';
import { OidcPayloadRepository } from './oidc-payload.repository.js';

/** Model `SmartPick`: what the user picked in the patient/episode picker, by interaction uid. */
const MODEL = 'SmartPick';

/** The picker's state per interaction. */
@Injectable()
export class PickerStateRepository {
  constructor(private readonly payloads: OidcPayloadRepository) {}

  find(uid: string): Promise<Record<string, unknown> | undefined> {
    return this.payloads.forModel(MODEL).find(uid);
  }

  /** Replaces the state of the interaction. */
  save(uid: string, pick: Record<string, unknown>, ttlSeconds: number): Promise<void> {
    return this.payloads.forModel(MODEL).upsert(uid, pick, ttlSeconds);
  }
}
