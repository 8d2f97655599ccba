/**
 * Light or dark console. The choice (System / Light / Dark) is kept in this browser
 * (localStorage, shared by its tabs); System follows the operating system's
 * prefers-color-scheme, also when it flips at dusk. The resolved theme is set on <html> as
 * `data-theme="light|dark"`, where styles/base.css redefines the colour variables; canvas
 * drawings (the map) read `currentTheme()` and redraw on `onThemeChange`.
 */
export type ThemeChoice = 'system' | 'light' | 'dark';
export type Theme = 'light' | 'dark';

export const THEME_CHOICES: { value: ThemeChoice; label: string }[] = [
  { value: 'system', label: 'System' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

const STORAGE_KEY = 'fleetdesk.theme';
const listeners = new Set<() => void>();
let started = false;
/** the choice when localStorage is unavailable (it then lasts until reload) */
let memory: ThemeChoice = 'system';

function systemDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

export function themeChoice(): ThemeChoice {
  try {
    const v = localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : 'system';
  } catch {
    return memory;
  }
}

export function currentTheme(): Theme {
  const c = themeChoice();
  return c === 'system' ? (systemDark() ? 'dark' : 'light') : c;
}

function apply(): void {
  const theme = currentTheme();
  const root = document.documentElement;
  if (root.dataset.theme === theme && root.dataset.themeChoice === themeChoice()) return;
  root.dataset.theme = theme;
  root.dataset.themeChoice = themeChoice();
  for (const l of listeners) l();
}

export function setThemeChoice(choice: ThemeChoice): void {
  memory = choice;
  try {
    if (choice === 'system') localStorage.removeItem(STORAGE_KEY);
    else localStorage.setItem(STORAGE_KEY, choice);
  } catch {
    /* storage disabled: the choice lasts until reload */
  }
  apply();
}

/** Sets the theme on <html> and follows the system and the other tabs from then on. Call once at start. */
export function startTheme(): void {
  apply();
  if (started) return;
  started = true;
  if (typeof matchMedia === 'function') matchMedia('(prefers-color-scheme: dark)').addEventListener('change', apply);
  window.addEventListener('storage', (e) => {
    if (e.key === STORAGE_KEY || e.key === null) apply();
  });
}

/** Calls `changed` when the theme or the choice changes; returns the unsubscribe function. */
export function onThemeChange(changed: () => void): () => void {
  listeners.add(changed);
  return () => listeners.delete(changed);
}
