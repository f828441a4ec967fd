/**
 * The resident's screens in English: a resident changes their own doorbell at the panel (tap their card,
 * their PIN from the resident app, then hide their name or change their bell's text). The shape every
 * language must match, like the visitor's section.
 */
export const resident = {
  entrance: 'Resident settings',
  back: 'Back',
  signOut: 'Done',
  tap: {
    title: 'Resident settings',
    prompt: 'Tap your card on the reader',
    hint: 'Then enter the PIN you chose in the resident app.',
    notYours: 'That card cannot change settings here. Tap your own card.',
  },
  pin: {
    title: 'Enter your PIN',
    display: 'PIN',
    delete: 'Delete',
    clear: 'Clear',
    ok: 'OK',
    prompt: 'The PIN you chose in the resident app',
    checking: 'Checking…',
    wrong: 'Wrong PIN. Try again.',
    wait: (seconds: number) => `Too many wrong PINs. Try again in ${seconds} s.`,
    tapAgain: 'Too much time has passed. Tap your card again.',
    notYours: 'That card cannot change settings here.',
    noPin: 'You have no PIN yet. Set one in the resident app under Settings, then try again.',
  },
  settings: {
    title: 'Your doorbell',
    hello: (name: string) => `Hello, ${name}`,
    showName: 'Show my name in the directory',
    shown: 'Your name is shown to visitors.',
    hidden: 'Your name is hidden from visitors.',
    text: 'Text on your bell',
    noOwnBell: 'You have no bell of your own on this panel, so there is no text to change here.',
    useName: 'Use my name',
    keyboard: 'Letters',
    shift: 'Capital letters',
    space: 'Space',
    delete: 'Delete',
    save: 'Send the change',
    nothingChanged: 'Nothing to send: change something first.',
    tooLong: 'The text can be at most 60 characters.',
    empty: 'The text cannot be empty. Use “Use my name” for your name.',
    sending: 'Sending…',
    hubDown:
      "The building's system cannot be reached from this panel right now. Nothing was changed. Try again later, or use the resident app.",
    ended: 'Your session has ended. Tap your card again.',
    failed: 'The change could not be sent. Try again.',
  },
  sent: {
    title: 'Sent',
    detail: 'It shows here in a moment.',
    home: 'Back to start',
  },
  unreachable: 'The panel is not answering. Try again in a moment.',
};
