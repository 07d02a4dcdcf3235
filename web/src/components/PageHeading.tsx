import type { ReactNode } from 'react';

/** The heading that receives focus after navigating to a page. */
export function PageHeading({ level = 1, children }: { level?: 1 | 2; children: ReactNode }) {
  const Tag = level === 1 ? 'h1' : 'h2';
  return (
    <Tag tabIndex={-1} data-page-heading="" className="page-heading">
      {children}
    </Tag>
  );
}
