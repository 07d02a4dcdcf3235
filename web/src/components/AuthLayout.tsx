import type { ReactNode } from 'react';

/** The centred card used by the pages shown before logging in. */
export function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <div className="auth-layout">
      <p className="auth-brand">Chorus</p>
      <main id="main" className="auth-card">
        {children}
      </main>
    </div>
  );
}
