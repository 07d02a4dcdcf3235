import { useRef, useState } from 'react';

type CopyState = 'idle' | 'copied' | 'failed';

interface CopyableValueProps {
  /** Accessible name of the element holding the value. */
  label: string;
  value: string;
  /** Render the value as a link (for URLs meant to be opened). */
  asLink?: boolean;
}

/** A value shown once (a secret, a link to pass on) with a button that copies it. */
export function CopyableValue({ label, value, asLink = false }: CopyableValueProps) {
  const [state, setState] = useState<CopyState>('idle');
  const valueRef = useRef<HTMLOutputElement>(null);

  function selectValue(): void {
    const node = valueRef.current;
    const selection = window.getSelection();
    if (!node || !selection) return;
    const range = document.createRange();
    range.selectNodeContents(node);
    selection.removeAllRanges();
    selection.addRange(range);
  }

  async function copy(): Promise<void> {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      selectValue();
      setState('failed');
    }
  }

  return (
    <div className="copyable">
      <output ref={valueRef} aria-label={label} className="copyable-value">
        {asLink ? <a href={value}>{value}</a> : value}
      </output>
      <button type="button" className="button-secondary" onClick={() => void copy()}>
        Copy
      </button>
      <span role="status" className="copy-status">
        {state === 'copied' ? 'Copied to the clipboard.' : null}
        {state === 'failed' ? 'Could not copy automatically. The text is selected: copy it by hand.' : null}
      </span>
    </div>
  );
}
