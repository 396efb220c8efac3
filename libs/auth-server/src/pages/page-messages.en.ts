import { CONSOLE_MESSAGES_EN } from './console-messages.en.js';
import type { PageMessages } from './page-messages.types.js';

/** English page texts (the fallback language). */
export const PAGE_MESSAGES_EN: PageMessages = {
  pageTitle: (title, platformName) => `${title} – ${platformName}`,
  signInTo: (platformName) => `Sign in to ${platformName}`,
  anApp: 'An app',
  login: {
    heading: 'Sign in',
    intro: (app) => `${app} wants to access your health records.`,
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    invalid: 'Invalid username or password.',
    tooManyMinutes: (minutes) =>
      `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes > 1 ? 's' : ''}.`,
    tooMany: 'Too many failed sign-in attempts. Try again later.',
    or: 'Or',
    identityServer: 'Sign in with your organisation account',
  },
  picker: {
    patientHeading: 'Choose a patient',
    episodeHeading: 'Choose an episode',
    patientIntro: (app) => `${app} will work with the patient you choose.`,
    episodeIntro: (app) => `${app} will work with the episode you choose.`,
    patients: 'Patients',
    episodes: 'Episodes',
    bornOn: (name, birthDate) => `${name} (born ${birthDate})`,
    submit: 'Continue',
  },
  consent: {
    title: 'Allow access',
    heading: (app) => `Allow ${app} access?`,
    forPatient: 'Patient',
    birthDate: 'Born',
    record: 'Record',
    aboutApp: 'About the app',
    homePage: 'Home page',
    privacyPolicy: 'Privacy policy',
    termsOfUse: 'Terms of use',
    asks: 'The app asks to:',
    signInOnly: 'Sign you in.',
    untick: 'Untick anything you do not want to share.',
    allow: 'Allow',
    deny: 'Deny',
  },
  account: {
    signInIntro:
      'Sign in to see the apps that can access your health records and to revoke their access.',
    title: 'Your apps',
    heading: 'Apps with access to your records',
    signedInAs: (user) => `Signed in as ${user}.`,
    signOut: 'Sign out',
    noApps: 'No app has access to your records.',
    lastUsed: (time) => `Last used: ${time}.`,
    notUsed: 'Not used since you approved it.',
    trusted:
      'Your provider trusts this app: it gets access without asking you. Revoking ends its current access; it can connect again when you next open it.',
    canDo: 'It can:',
    signInOnly: 'Sign you in',
    revoke: 'Revoke access',
  },
  logout: {
    title: 'Sign out',
    question: 'Do you want to sign out?',
    confirm: 'Sign out',
    stay: 'Stay signed in',
    doneTitle: 'Signed out',
    done: 'You are signed out.',
  },
  console: CONSOLE_MESSAGES_EN,
  errors: {
    sessionExpired: {
      title: 'Session expired',
      message:
        'This sign-in session has expired or belongs to another browser. Go back to the app and start again.',
    },
    formRefused: {
      title: 'Request refused',
      message:
        'The form has expired or did not come from this site. Reload the page and try again.',
    },
    idpUnavailable: {
      title: 'Sign-in unavailable',
      message: 'The identity provider cannot be reached right now. Try again in a moment.',
    },
    noLoginMethod: {
      title: 'Sign-in unavailable',
      message: 'No login method is configured on this platform.',
    },
    idpNotConfirmed: {
      title: 'Sign-in failed',
      message: 'The identity provider did not confirm who you are. Go back and try again.',
    },
    idpRequestUnknown: {
      title: 'Sign-in failed',
      message: 'The sign-in request is unknown or has expired.',
    },
    patientNotAvailable: { title: 'Not allowed', message: 'That patient is not available to you.' },
    episodeNotAvailable: { title: 'Not allowed', message: 'That episode is not available.' },
    consoleNotFound: { title: 'Not found', message: 'There is no such page.' },
    consoleNotAdmin: {
      title: 'Not allowed',
      message: 'Your account does not hold the administrator role the console requires.',
    },
    consoleFailed: {
      title: 'Something went wrong',
      message: 'The console could not complete this request. Please try again.',
    },
    consoleUnavailable: {
      title: 'Console unavailable',
      message: 'The console cannot reach its storage right now. Please try again later.',
    },
    authorizationTitle: 'Authorization error',
    rateLimited: (seconds) => ({
      title: 'Too many requests',
      message: `Please wait ${seconds} seconds and try again.`,
    }),
    generic: {
      title: 'Request failed',
      message: 'The request could not be completed. Please try again later.',
    },
  },
};
