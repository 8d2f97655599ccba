/** System / Light / Dark, as a small segmented control (in the user menu and the phone menu). */
import { useSyncExternalStore } from 'react';
import { onThemeChange, setThemeChoice, THEME_CHOICES, themeChoice } from './theme';

export function ThemePicker() {
  const choice = useSyncExternalStore(onThemeChange, themeChoice);
  return (
    <div className="theme-picker" role="group" aria-label="Theme">
      <span className="theme-picker-label">Theme</span>
      <div className="segmented">
        {THEME_CHOICES.map((c) => (
          <button key={c.value} type="button" className={c.value === choice ? 'active' : undefined} aria-pressed={c.value === choice} onClick={() => setThemeChoice(c.value)} data-testid={`theme-${c.value}`}>
            {c.label}
          </button>
        ))}
      </div>
    </div>
  );
}
