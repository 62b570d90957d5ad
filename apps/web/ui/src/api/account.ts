import { api } from './client'

/** Contact, billing and shipping details; PUT replaces the whole profile. */
export interface Profile {
  name?: string
  company?: string
  phone?: string
  address?: string
  city?: string
  region?: string
  postal?: string
  /** ISO 3166 alpha-2, upper case. */
  country?: string
  vat_id?: string
  shipping_address?: string
  shipping_city?: string
  shipping_region?: string
  shipping_postal?: string
  shipping_country?: string
  /** Set by staff; the API keeps it whatever a customer sends. */
  tax_exempt?: boolean
}

/** The longest text the API takes in a profile field. */
export const maxProfileField = 200

/** A signed-in browser or device. */
export interface Session {
  id: number
  ip: string
  user_agent: string
  created_at: string
  last_seen_at: string
  current: boolean
  /** Staff acting as the customer. */
  impersonation?: boolean
}

export type Scope =
  | 'services:read'
  | 'services:write'
  | 'billing:read'
  | 'billing:write'
  | 'account:read'
  | 'account:write'
  | 'admin'

/** The scopes a token may hold, as identity.AllScopes lists them; admin is for staff only. */
export const scopes: { scope: Scope; label: string; staffOnly?: boolean }[] = [
  { scope: 'services:read', label: 'Read services: status, IPs, usage' },
  { scope: 'services:write', label: 'Manage services: power and other actions (includes read)' },
  { scope: 'billing:read', label: 'Read invoices and subscriptions' },
  { scope: 'billing:write', label: 'Place orders, pay invoices, change subscriptions (includes read)' },
  { scope: 'account:read', label: 'Read your profile' },
  { scope: 'account:write', label: 'Change your profile (includes read)' },
  { scope: 'admin', label: 'Staff API, within your permissions', staffOnly: true },
]

/** The longest token name the API accepts, in characters. */
export const maxTokenName = 100

export interface ApiToken {
  id: number
  name: string
  /** The token's first characters, to tell tokens apart. */
  prefix: string
  scopes: Scope[]
  created_at: string
  last_used_at?: string
  expires_at?: string
  revoked: boolean
}

export interface NewApiToken {
  name: string
  scopes: Scope[]
  /** RFC 3339; absent for a token that never expires. */
  expires_at?: string
}

export const account = {
  profile: () => api.get<Profile>('/account/profile'),
  saveProfile: (p: Profile) => api.put('/account/profile', p),
  changePassword: (currentPassword: string, newPassword: string) =>
    api.post('/account/password', { current_password: currentPassword, new_password: newPassword }),

  sessions: () => api.get<{ sessions: Session[] }>('/account/sessions').then((r) => r.sessions),
  revokeSession: (id: number) => api.delete(`/account/sessions/${id}`),
  revokeOtherSessions: () => api.post<{ revoked: number }>('/account/sessions/revoke-others').then((r) => r.revoked),

  tokens: () => api.get<{ tokens: ApiToken[] }>('/account/tokens').then((r) => r.tokens),
  createToken: (t: NewApiToken) => api.post<{ token: string; metadata: ApiToken }>('/account/tokens', t),
  revokeToken: (id: number) => api.delete(`/account/tokens/${id}`),
}
