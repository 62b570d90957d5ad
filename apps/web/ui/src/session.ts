// The signed-in user, shared by every page: loaded once from /auth/me and
// kept up to date by sign-in, sign-out and impersonation.
import { readonly, ref } from 'vue'
import { ApiError } from './api/client'
import { auth, type Me } from './api/auth'

const current = ref<Me | null>(null)
let loaded: Promise<Me | null> | null = null

/** The current session, reactive; null when signed out. */
export const me = readonly(current)

/** The session, fetched on first use (or again with reload). */
export function loadSession(reload = false): Promise<Me | null> {
  if (loaded === null || reload) {
    loaded = auth.me().then(
      (m) => (current.value = m),
      (err: unknown) => {
        loaded = null
        if (err instanceof ApiError && err.status === 401) return (current.value = null)
        throw err
      },
    )
  }
  return loaded
}

/** Forgets the session after signing out. */
export function clearSession(): void {
  current.value = null
  loaded = Promise.resolve(null)
}
