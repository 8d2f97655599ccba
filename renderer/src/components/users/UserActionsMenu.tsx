/**
 * One user's actions behind one "Actions" button: a small menu that closes on Escape, on a
 * click elsewhere and after a choice; arrow keys move between its items.
 */
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';

export interface MenuItem {
  id: string;
  label: string;
  danger?: boolean;
  onSelect: () => void;
}

export function UserActionsMenu(props: { label: string; items: MenuItem[]; disabled?: boolean }) {
  const [open, setOpen] = useState(false);
  const box = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    box.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    const away = (e: MouseEvent) => !box.current?.contains(e.target as Node) && setOpen(false);
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [open]);

  function onKey(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      setOpen(false);
      button.current?.focus();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const items = [...(box.current?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    items[(at + (e.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
  }

  return (
    <div className="row-menu" ref={box} onKeyDown={onKey}>
      <button
        type="button"
        ref={button}
        className="row-menu-button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label={props.label}
        title={props.label}
        disabled={props.disabled}
        onClick={() => setOpen(!open)}
        data-testid="user-menu-button"
      >
        <span aria-hidden="true">⋯</span> Actions
      </button>
      {open && (
        <ul className="menu" role="menu" aria-label={props.label} data-testid="user-actions-menu">
          {props.items.map((item) => (
            <li key={item.id} role="none">
              <button
                type="button"
                role="menuitem"
                className={item.danger ? 'danger-text' : undefined}
                onClick={() => {
                  setOpen(false);
                  item.onSelect();
                }}
                data-testid={`user-menu-${item.id}`}
              >
                {item.label}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
