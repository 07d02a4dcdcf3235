import { Children } from 'react';
import type { ReactNode } from 'react';

/** A polite live region that is always present, so changes to its text are announced. */
export function StatusMessage({ children }: { children?: ReactNode }) {
  const empty = Children.toArray(children).every((child) => child === '');
  return (
    <div role="status" className={empty ? 'notice notice-empty' : 'notice'}>
      {children}
    </div>
  );
}
