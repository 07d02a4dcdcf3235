import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent, ReactNode, TextareaHTMLAttributes } from 'react';
import { api, isAbortError } from '../api.js';
import type { TokenSuggestion } from '../types.js';
import { tokenAtCaret } from './richText.js';

interface SuggestingTextAreaProps extends Omit<
  TextareaHTMLAttributes<HTMLTextAreaElement>,
  'id' | 'value' | 'onChange'
> {
  label: string;
  hint?: ReactNode;
  /** Described by, besides the hint: the counter and the errors of this text. */
  describedBy?: string | undefined;
  workspaceId: string;
  value: string;
  onValueChange: (value: string) => void;
}

/**
 * A text area that suggests the workspace's earlier hashtags after `#` and mentions after `@`: a combobox
 * with a listbox of suggestions; ↑/↓ move, Enter or Tab take one, Escape closes the list.
 */
export function SuggestingTextArea({
  label,
  hint,
  describedBy,
  workspaceId,
  value,
  onValueChange,
  className,
  ...textarea
}: SuggestingTextAreaProps) {
  const id = useId();
  const listId = `${id}-suggestions`;
  const hintId = hint ? `${id}-hint` : undefined;
  const ref = useRef<HTMLTextAreaElement>(null);
  const [caret, setCaret] = useState(0);
  const [items, setItems] = useState<TokenSuggestion[]>([]);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<string | null>(null);
  const token = tokenAtCaret(value, caret);
  const key = token ? `${token.start}:${token.sign}${token.prefix}` : null;
  const open = token !== null && items.length > 0 && dismissed !== key;

  useEffect(() => {
    if (!token) {
      setItems([]);
      return;
    }
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .suggestions(
          workspaceId,
          token.sign === '#' ? 'hashtags' : 'mentions',
          token.prefix,
          controller.signal,
        )
        .then(
          (found) => {
            // The token itself, fully typed, is not a suggestion.
            setItems(
              found.filter((s) => s.value.toLowerCase() !== `${token.sign}${token.prefix}`.toLowerCase()),
            );
            setActive(0);
          },
          (error: unknown) => {
            if (!isAbortError(error)) setItems([]);
          },
        );
    }, 150);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
    // The token's text decides what to ask; its object is new on every render.
  }, [workspaceId, key]);

  function choose(suggestion: TokenSuggestion): void {
    if (!token) return;
    const end = caret;
    const next = `${value.slice(0, token.start)}${suggestion.value} ${value.slice(end)}`;
    const at = token.start + suggestion.value.length + 1;
    onValueChange(next);
    setItems([]);
    setCaret(at);
    requestAnimationFrame(() => {
      ref.current?.setSelectionRange(at, at);
    });
  }

  function onKeyDown(event: KeyboardEvent<HTMLTextAreaElement>): void {
    if (!open) return;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      setActive((i) => (i + step + items.length) % items.length);
    } else if (event.key === 'Enter' || event.key === 'Tab') {
      event.preventDefault();
      choose(items[active]!);
    } else if (event.key === 'Escape') {
      // Closes the list only; the Escape does not reach forms that close on it.
      event.preventDefault();
      event.stopPropagation();
      setDismissed(key);
    }
  }

  const described = [hintId, describedBy].filter(Boolean).join(' ') || undefined;
  return (
    <div className={className ? `field suggesting ${className}` : 'field suggesting'}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="hint">
          {hint}
        </p>
      ) : null}
      <textarea
        id={id}
        ref={ref}
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={open}
        aria-controls={listId}
        aria-activedescendant={open ? `${listId}-${active}` : undefined}
        aria-describedby={described}
        value={value}
        onChange={(e) => {
          onValueChange(e.target.value);
          setCaret(e.target.selectionStart);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onBlur={() => setDismissed(key)}
        onFocus={() => setDismissed(null)}
        {...textarea}
      />
      <ul
        id={listId}
        role="listbox"
        aria-label={token?.sign === '@' ? 'Mentions used before' : 'Hashtags used before'}
        className="suggestions"
        hidden={!open}
      >
        {open
          ? items.map((item, i) => (
              <li
                key={item.value}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? 'active' : undefined}
                // Chosen on mouse down, before the text area loses focus and closes the list.
                onMouseDown={(e) => {
                  e.preventDefault();
                  choose(item);
                }}
              >
                {item.value} <span className="muted">· used {item.uses}×</span>
              </li>
            ))
          : null}
      </ul>
    </div>
  );
}
