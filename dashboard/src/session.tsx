import { createContext } from 'preact';
import { useContext } from 'preact/hooks';
import { isUnauthorized, type AnchorClient } from './api.js';

export type ToastAction = { label: string; href: string };

/** The signed-in client, and what to do when the server stops accepting its key. */
export type Session = {
  client: AnchorClient;
  /** Call with any failed call's error: a 401 ends the session (the key was revoked or the database reset). */
  checkAuth(error: unknown): void;
  /** Tells assistive technology and sighted users what just happened, with a link to it (e.g. "View"). */
  announce(message: string, action?: ToastAction): void;
};

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionContext.Provider>');
  return session;
}

export const endsSession = isUnauthorized;
