import type { ValidScope } from '@smart-openehr/scopes';
import type { PatientRecord } from '../accounts/account.port.js';
import type { SmartClient } from '../clients/client.types.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';

/** What the consent step needs from the user next, or that it can finish. */
export type ConsentStep =
  | { kind: 'pick-patient'; client: SmartClient; candidates: PatientRecord[] }
  | { kind: 'pick-episode'; client: SmartClient; record: PatientRecord }
  | {
      kind: 'ask';
      client: SmartClient;
      scopes: ValidScope[];
      context: SmartLaunchContext;
      /** The patient of `context.ehrId` as the picker or the directory knows them, if it does. */
      patient?: PatientRecord;
    }
  | {
      kind: 'finish';
      scopes: ValidScope[];
      /** The user's remembered consent (or a trusted app) covers the scopes: nothing new to remember. */
      remembered?: true;
    }
  | { kind: 'refuse'; error: string; description: string };

/** The picker steps: the user still has to choose a patient or an episode. */
export type PickerStep = Extract<ConsentStep, { kind: 'pick-patient' | 'pick-episode' }>;
