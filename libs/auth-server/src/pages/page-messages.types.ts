import type { ConsoleMessages } from './console-messages.types.js';

/** The error pages a person may see, by key (title and message in every language). */
export type PageErrorKey =
  | 'sessionExpired'
  | 'formRefused'
  | 'idpUnavailable'
  | 'noLoginMethod'
  | 'idpNotConfirmed'
  | 'idpRequestUnknown'
  | 'patientNotAvailable'
  | 'episodeNotAvailable'
  | 'consoleNotFound'
  | 'consoleNotAdmin'
  | 'consoleFailed'
  | 'consoleUnavailable';

/** A title and a message (error and notice pages). */
export interface PageText {
  title: string;
  message: string;
}

/**
 * Every text of the server-rendered pages, for one language. Each language is one object of this
 * type (`page-messages.<tag>.ts`), so a missing text fails the type check. Texts with values are
 * functions; values are plain text (the pages escape what they insert).
 */
export interface PageMessages {
  /** The page title of a page other than the login page: `Choose a patient – Acme Health`. */
  pageTitle(title: string, platformName: string): string;
  /** The login pages' title: `Sign in to Acme Health`. */
  signInTo(platformName: string): string;
  /** Stands for an app without a registered name. */
  anApp: string;
  login: {
    heading: string;
    intro(appName: string): string;
    username: string;
    password: string;
    submit: string;
    invalid: string;
    tooManyMinutes(minutes: number): string;
    tooMany: string;
    /** Between the password form and the identity server's button when both are offered. */
    or: string;
    /** The button to sign in at the identity server (Keycloak...) instead. */
    identityServer: string;
  };
  picker: {
    patientHeading: string;
    episodeHeading: string;
    patientIntro(appName: string): string;
    episodeIntro(appName: string): string;
    patients: string;
    episodes: string;
    /** A patient and their birth date (as the directory gives it, e.g. `1990-11-02`). */
    bornOn(name: string, birthDate: string): string;
    submit: string;
  };
  consent: {
    title: string;
    heading(appName: string): string;
    /** The patient the access is for. */
    forPatient: string;
    birthDate: string;
    record: string;
    /** The app's registered pages (`client_uri`, `policy_uri`, `tos_uri`). */
    aboutApp: string;
    homePage: string;
    privacyPolicy: string;
    termsOfUse: string;
    asks: string;
    signInOnly: string;
    untick: string;
    allow: string;
    deny: string;
  };
  account: {
    signInIntro: string;
    title: string;
    heading: string;
    signedInAs(userName: string): string;
    signOut: string;
    noApps: string;
    lastUsed(time: string): string;
    notUsed: string;
    trusted: string;
    canDo: string;
    signInOnly: string;
    revoke: string;
  };
  logout: {
    title: string;
    question: string;
    confirm: string;
    stay: string;
    doneTitle: string;
    done: string;
  };
  /** The admin console (`console-messages.<tag>.ts`). */
  console: ConsoleMessages;
  errors: Readonly<Record<PageErrorKey, PageText>> & {
    /** The engine's error page (its own English description below the title). */
    authorizationTitle: string;
    rateLimited(retryAfterSeconds: number): PageText;
    /** Any error not meant for a person. */
    generic: PageText;
  };
}
