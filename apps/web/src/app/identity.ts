/** Who the user is in the demo: a display name and a user id, remembered in localStorage. */

export interface Profile {
  name: string;
  userId: string;
  /** The user typed the id; otherwise it follows the name. */
  userIdEdited: boolean;
}

const STORAGE_KEY = 'confab.profile';

/** Same as the server's user id format. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_@.+-]{1,128}$/;
/** Same as the server's call id format. */
export const CALL_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** "Zoë O'Brien" -> "zoe-obrien". */
export function userIdFromName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64);
}

export function loadProfile(): Profile {
  try {
    const raw = localStorage.getItem(STORAGE_KEY);
    if (raw) {
      const p = JSON.parse(raw) as Partial<Profile>;
      if (typeof p.name === 'string' && typeof p.userId === 'string') {
        return { name: p.name, userId: p.userId, userIdEdited: p.userIdEdited === true };
      }
    }
  } catch {
    // Storage can be unavailable (private mode) or hold garbage: start blank.
  }
  return { name: '', userId: '', userIdEdited: false };
}

export function saveProfile(profile: Profile): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify(profile));
  } catch {
    // Not remembered; nothing else depends on it.
  }
}

/** A call id that is easy to read out: "kqv-mwzt-fhp". */
export function generateCallId(): string {
  const letters = 'abcdefghijkmnopqrstuvwxyz';
  const bytes = crypto.getRandomValues(new Uint8Array(10));
  const chars = [...bytes].map((b) => letters[b % letters.length]);
  return `${chars.slice(0, 3).join('')}-${chars.slice(3, 7).join('')}-${chars.slice(7).join('')}`;
}
