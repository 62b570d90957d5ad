import { api } from './client'

export interface User {
  id: number
  email: string
  role: string
  email_verified: boolean
  permissions?: string[]
}

export interface Me {
  user: User
  impersonating: boolean
  impersonator_id?: number
  second_factor_passed: boolean
  totp_enabled: boolean
}

export interface LoginResult {
  user: User
  second_factor_required: boolean
  impersonating?: boolean
}

export interface Registration {
  email: string
  password: string
  name?: string
  company?: string
  /** The page to return to after confirming the address, carried in the emailed link. */
  next?: string
}

/** A page of this area to go back to, from a query parameter: only a path here, never another site. */
export function returnPath(q: unknown): string | undefined {
  return typeof q === 'string' && q.startsWith('/') && !q.startsWith('//') && !q.startsWith('/\\') ? q : undefined
}

export interface TOTPSetup {
  secret: string
  otpauth_url: string
}

export const auth = {
  me: () => api.get<Me>('/auth/me'),
  login: (email: string, password: string) => api.post<LoginResult>('/auth/login', { email, password }),
  logout: () => api.post('/auth/logout'),
  register: (r: Registration) => api.post<User>('/auth/register', r),
  verifyEmail: (token: string) => api.post('/auth/verify-email', { token }),
  passTOTP: (code: string) => api.post('/auth/second-factor/totp', { code }),
  passRecoveryCode: (code: string) => api.post('/auth/second-factor/recovery-code', { code }),
  beginTOTP: () => api.post<TOTPSetup>('/account/second-factor/totp'),
  confirmTOTP: (code: string) => api.post<{ recovery_codes: string[] | null }>('/account/second-factor/totp/confirm', { code }),
  removeTOTP: () => api.delete('/account/second-factor/totp'),
  stopImpersonating: () => api.post<{ user: User }>('/auth/impersonation/stop'),
  /** Emails a reset link; answers the same whether or not the address has an account. */
  forgotPassword: (email: string) => api.post('/auth/password/forgot', { email }),
  resetPassword: (token: string, password: string) => api.post('/auth/password/reset', { token, password }),
}

/** The shortest password the API accepts (identity.MinPasswordChars). */
export const minPasswordChars = 10

/** Whether the user is staff (any role but customer). */
export function isStaff(u: Pick<User, 'role'>): boolean {
  return u.role !== 'customer'
}
