import { CONSOLE_MESSAGES_DE } from './console-messages.de.js';
import type { PageMessages } from './page-messages.types.js';

/** German page texts (formal address). */
export const PAGE_MESSAGES_DE: PageMessages = {
  pageTitle: (title, platformName) => `${title} – ${platformName}`,
  signInTo: (platformName) => `Bei ${platformName} anmelden`,
  anApp: 'Eine App',
  login: {
    heading: 'Anmelden',
    intro: (app) => `${app} möchte auf Ihre Gesundheitsdaten zugreifen.`,
    username: 'Benutzername',
    password: 'Passwort',
    submit: 'Anmelden',
    invalid: 'Benutzername oder Passwort ist falsch.',
    tooManyMinutes: (minutes) =>
      `Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es in ${minutes} Minute${minutes > 1 ? 'n' : ''} erneut.`,
    tooMany: 'Zu viele fehlgeschlagene Anmeldeversuche. Versuchen Sie es später erneut.',
    or: 'Oder',
    identityServer: 'Mit dem Konto Ihrer Organisation anmelden',
  },
  picker: {
    patientHeading: 'Patient auswählen',
    episodeHeading: 'Episode auswählen',
    patientIntro: (app) => `${app} arbeitet mit dem Patienten, den Sie auswählen.`,
    episodeIntro: (app) => `${app} arbeitet mit der Episode, die Sie auswählen.`,
    patients: 'Patienten',
    episodes: 'Episoden',
    bornOn: (name, birthDate) => `${name} (geboren ${birthDate})`,
    submit: 'Weiter',
  },
  consent: {
    title: 'Zugriff erlauben',
    heading: (app) => `${app} den Zugriff erlauben?`,
    forPatient: 'Patient',
    birthDate: 'Geboren',
    record: 'Akte',
    aboutApp: 'Über die App',
    homePage: 'Website',
    privacyPolicy: 'Datenschutzerklärung',
    termsOfUse: 'Nutzungsbedingungen',
    asks: 'Die App bittet darum:',
    signInOnly: 'Sie anzumelden.',
    untick: 'Entfernen Sie das Häkchen bei allem, was Sie nicht teilen möchten.',
    allow: 'Erlauben',
    deny: 'Ablehnen',
  },
  account: {
    signInIntro:
      'Melden Sie sich an, um die Apps zu sehen, die auf Ihre Gesundheitsdaten zugreifen können, und um ihnen den Zugriff zu entziehen.',
    title: 'Ihre Apps',
    heading: 'Apps mit Zugriff auf Ihre Daten',
    signedInAs: (user) => `Angemeldet als ${user}.`,
    signOut: 'Abmelden',
    noApps: 'Keine App hat Zugriff auf Ihre Daten.',
    lastUsed: (time) => `Zuletzt verwendet: ${time}.`,
    notUsed: 'Seit Ihrer Zustimmung nicht verwendet.',
    trusted:
      'Ihr Anbieter vertraut dieser App: Sie erhält Zugriff, ohne Sie zu fragen. Der Widerruf beendet ihren aktuellen Zugriff; beim nächsten Öffnen kann sie sich erneut verbinden.',
    canDo: 'Sie darf:',
    signInOnly: 'Sie anmelden',
    revoke: 'Zugriff widerrufen',
  },
  logout: {
    title: 'Abmelden',
    question: 'Möchten Sie sich abmelden?',
    confirm: 'Abmelden',
    stay: 'Angemeldet bleiben',
    doneTitle: 'Abgemeldet',
    done: 'Sie sind abgemeldet.',
  },
  console: CONSOLE_MESSAGES_DE,
  errors: {
    sessionExpired: {
      title: 'Sitzung abgelaufen',
      message:
        'Diese Anmeldesitzung ist abgelaufen oder gehört zu einem anderen Browser. Kehren Sie zur App zurück und beginnen Sie erneut.',
    },
    formRefused: {
      title: 'Anfrage abgelehnt',
      message:
        'Das Formular ist abgelaufen oder stammt nicht von dieser Seite. Laden Sie die Seite neu und versuchen Sie es erneut.',
    },
    idpUnavailable: {
      title: 'Anmeldung nicht möglich',
      message:
        'Der Identitätsanbieter ist gerade nicht erreichbar. Versuchen Sie es gleich noch einmal.',
    },
    noLoginMethod: {
      title: 'Anmeldung nicht möglich',
      message: 'Auf dieser Plattform ist keine Anmeldemethode eingerichtet.',
    },
    idpNotConfirmed: {
      title: 'Anmeldung fehlgeschlagen',
      message:
        'Der Identitätsanbieter hat Ihre Identität nicht bestätigt. Gehen Sie zurück und versuchen Sie es erneut.',
    },
    idpRequestUnknown: {
      title: 'Anmeldung fehlgeschlagen',
      message: 'Die Anmeldeanfrage ist unbekannt oder abgelaufen.',
    },
    patientNotAvailable: {
      title: 'Nicht erlaubt',
      message: 'Dieser Patient steht Ihnen nicht zur Verfügung.',
    },
    episodeNotAvailable: {
      title: 'Nicht erlaubt',
      message: 'Diese Episode steht nicht zur Verfügung.',
    },
    consoleNotFound: {
      title: 'Nicht gefunden',
      message: 'Diese Seite gibt es nicht.',
    },
    consoleNotAdmin: {
      title: 'Nicht erlaubt',
      message: 'Ihr Konto hat nicht die Administratorrolle, die die Konsole verlangt.',
    },
    consoleFailed: {
      title: 'Etwas ist schiefgegangen',
      message: 'Die Konsole konnte diese Anfrage nicht ausführen. Bitte versuchen Sie es erneut.',
    },
    consoleUnavailable: {
      title: 'Konsole nicht verfügbar',
      message:
        'Die Konsole erreicht ihren Speicher gerade nicht. Bitte versuchen Sie es später erneut.',
    },
    authorizationTitle: 'Autorisierungsfehler',
    rateLimited: (seconds) => ({
      title: 'Zu viele Anfragen',
      message: `Bitte warten Sie ${seconds} Sekunden und versuchen Sie es erneut.`,
    }),
    generic: {
      title: 'Anfrage fehlgeschlagen',
      message:
        'Die Anfrage konnte nicht abgeschlossen werden. Bitte versuchen Sie es später erneut.',
    },
  },
};
