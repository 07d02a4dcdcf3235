import { useRef, type KeyboardEvent, type MutableRefObject } from 'react';

export interface TabItem<T extends string> {
  id: T;
  label: string;
}

/**
 * A row of tabs (WAI-ARIA tabs pattern): the selected tab is the one in the tab order, arrow keys, Home and
 * End move between tabs and select them. Pair it with a panel using `tabPanelProps`.
 */
export function TabList<T extends string>({
  label,
  idBase,
  tabs,
  selected,
  onSelect,
  refs,
}: {
  label: string;
  /** A unique base for the ids (`useId()`), shared with `tabPanelProps`. */
  idBase: string;
  tabs: readonly TabItem<T>[];
  selected: T;
  onSelect: (id: T) => void;
  /** The tab buttons, for a page that moves focus back to the selected tab. */
  refs?: MutableRefObject<Partial<Record<T, HTMLButtonElement | null>>>;
}) {
  const own = useRef<Partial<Record<T, HTMLButtonElement | null>>>({});
  const buttons = refs ?? own;

  function onKey(event: KeyboardEvent<HTMLButtonElement>, current: T): void {
    const index = tabs.findIndex((t) => t.id === current);
    let next: number | null = null;
    if (event.key === 'ArrowRight') next = (index + 1) % tabs.length;
    if (event.key === 'ArrowLeft') next = (index - 1 + tabs.length) % tabs.length;
    if (event.key === 'Home') next = 0;
    if (event.key === 'End') next = tabs.length - 1;
    if (next === null) return;
    event.preventDefault();
    const target = tabs[next]!.id;
    onSelect(target);
    buttons.current[target]?.focus();
  }

  return (
    <div className="tabs" role="tablist" aria-label={label}>
      {tabs.map((t) => (
        <button
          key={t.id}
          type="button"
          role="tab"
          id={`${idBase}-tab-${t.id}`}
          ref={(node) => {
            buttons.current[t.id] = node;
          }}
          aria-selected={selected === t.id}
          aria-controls={`${idBase}-panel`}
          tabIndex={selected === t.id ? 0 : -1}
          className="tab"
          onClick={() => onSelect(t.id)}
          onKeyDown={(e) => onKey(e, t.id)}
        >
          {t.label}
        </button>
      ))}
    </div>
  );
}

/** The attributes of the panel a `TabList` controls. */
export const tabPanelProps = (idBase: string, selected: string) => ({
  role: 'tabpanel' as const,
  id: `${idBase}-panel`,
  'aria-labelledby': `${idBase}-tab-${selected}`,
});
