import { createContext, useContext } from 'react';
import type { Me } from './types.js';

export interface Session {
  me: Me;
  /** Fetches `/api/v1/me` again (after changes to workspaces or roles). */
  refresh: () => Promise<Me | null>;
  logout: () => Promise<void>;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession is only available inside the logged-in app.');
  return session;
}
