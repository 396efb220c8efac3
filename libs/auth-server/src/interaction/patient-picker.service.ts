import { Inject, Injectable } from '@nestjs/common';
import type {
  AccountResolver,
  PatientDirectory,
  PatientRecord,
  SmartAccountClaims,
} from '../accounts/account.port.js';
import type { SmartClient } from '../clients/client.types.js';
import type { ResolvedSmartAuthServerOptions } from '../options/auth-server.options.js';
import { PickerStateRepository } from '../persistence/repositories/picker-state.repository.js';
import type { InteractionDetails } from '../provider/ports/engine-interactions.port.js';
import { ACCOUNTS, PATIENTS, SMART_AUTH_SERVER_OPTIONS } from '../smart-auth-server.constants.js';
import type { SmartLaunchContext } from '../vocabulary/launch-context.types.js';
import type { PickerStep } from './consent-step.types.js';

/** What the user picked in this interaction (kept for 10 minutes). */
export interface PatientPick {
  record?: PatientRecord;
  episodeId?: string;
}

/**
 * The patient/episode picker of a standalone launch: which record and episode the launch is
 * about, asking the user only when the directory offers more than one, and keeping the choice
 * per interaction until the grant is made.
 */
@Injectable()
export class PatientPickerService {
  constructor(
    @Inject(SMART_AUTH_SERVER_OPTIONS) private readonly options: ResolvedSmartAuthServerOptions,
    @Inject(ACCOUNTS) private readonly accounts: AccountResolver,
    @Inject(PATIENTS) private readonly directory: PatientDirectory,
    private readonly picks: PickerStateRepository,
  ) {}

  async savePick(uid: string, pick: PatientPick): Promise<void> {
    await this.picks.save(uid, { ...(await this.picks.find(uid)), ...pick }, 600);
  }

  /** The launch context from the picks so far, or the picker step the user must answer first. */
  async patientContext(
    uid: string,
    account: SmartAccountClaims,
    client: SmartClient,
    wantsEpisode: boolean,
  ): Promise<SmartLaunchContext | PickerStep> {
    const pick = (await this.picks.find(uid)) as PatientPick | undefined;
    let record = pick?.record;
    if (!record) {
      const candidates = await this.directory.candidatesFor(account);
      const own = ownRecord(account);
      // The user's own record as the directory knows it (with its episodes).
      if (own) record = candidates.find((c) => c.ehrId === own.ehrId) ?? own;
      else if (candidates.length === 1) record = candidates[0];
      else if (candidates.length > 1) return { kind: 'pick-patient', client, candidates };
      else return {};
      // Kept like a pick: the episode picker and the grant (finish) use this same record.
      await this.savePick(uid, { record });
    }
    let episodeId = pick?.episodeId;
    const episodes = record.episodes ?? [];
    if (wantsEpisode && this.options.launch.episodeContext && !episodeId && episodes.length > 0) {
      if (episodes.length > 1) return { kind: 'pick-episode', client, record };
      episodeId = episodes[0].id;
      await this.savePick(uid, { episodeId });
    }
    return { ehrId: record.ehrId, patient: record.patient, episodeId };
  }

  /** The context the grant gets without a launch handle: the pick, else the user's own record. */
  async grantContext(
    uid: string,
    account: SmartAccountClaims | undefined,
    picked: boolean,
  ): Promise<SmartLaunchContext> {
    const pick = picked ? ((await this.picks.find(uid)) as PatientPick | undefined) : undefined;
    const record = pick?.record ?? ownRecord(account);
    return record
      ? { ehrId: record.ehrId, patient: record.patient, episodeId: pick?.episodeId }
      : {};
  }

  /** Candidates the picker offered, to check a submitted choice against. */
  async candidates(details: InteractionDetails): Promise<PatientRecord[]> {
    const account = await this.accounts.findAccount(details.session?.accountId ?? '');
    return account ? this.directory.candidatesFor(account) : [];
  }

  /**
   * The record of `ehrId` with the patient's name and birth date, for the consent page: the pick
   * of this interaction, else the directory's candidate (an EHR launch names only the id).
   */
  async recordOf(
    uid: string,
    account: SmartAccountClaims,
    ehrId: string,
  ): Promise<PatientRecord | undefined> {
    const picked = await this.pickedRecord(uid);
    if (picked?.ehrId === ehrId) return picked;
    return (await this.directory.candidatesFor(account)).find((c) => c.ehrId === ehrId);
  }

  async pickedRecord(uid: string): Promise<PatientRecord | undefined> {
    return ((await this.picks.find(uid)) as PatientPick | undefined)?.record;
  }
}

function ownRecord(account: SmartAccountClaims | undefined): PatientRecord | undefined {
  return account?.ehrId
    ? { ehrId: account.ehrId, patient: account.patient, name: account.name ?? account.sub }
    : undefined;
}
