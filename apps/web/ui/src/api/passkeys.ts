// Passkeys (WebAuthn) over the API. Each ceremony is begin → browser →
// finish: the begin call answers with options for
// navigator.credentials.create() or .get() (and a cookie that ties the
// finish to it), the finish call takes the browser's credential. The API
// speaks JSON, so binary fields travel as base64url; the browser wants
// ArrayBuffers, converted here both ways.
import { api, ApiError } from './client'
import type { LoginResult } from './auth'

export interface Passkey {
  id: number
  name: string
  created_at: string
  last_used_at?: string
}

/** The longest passkey name the API accepts, in characters. */
export const maxPasskeyName = 64

/** What a begin call answers: the options go to navigator.credentials. */
interface Ceremony {
  options: { publicKey?: Record<string, unknown>; mediation?: string } & Record<string, unknown>
}

/** A credential descriptor as JSON (id in base64url). */
interface DescriptorJSON {
  type: PublicKeyCredentialType
  id: string
  transports?: AuthenticatorTransport[]
}

/** Whether this browser can use passkeys at all. */
export function passkeysSupported(): boolean {
  return typeof window !== 'undefined' && typeof window.PublicKeyCredential === 'function' && !!navigator.credentials
}

function fromBase64url(s: string): ArrayBuffer {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4)
  const bin = atob(b64)
  const out = new Uint8Array(bin.length)
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i)
  return out.buffer
}

function toBase64url(b: ArrayBuffer): string {
  let s = ''
  for (const x of new Uint8Array(b)) s += String.fromCharCode(x)
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
}

function descriptors(list: unknown): PublicKeyCredentialDescriptor[] | undefined {
  if (!Array.isArray(list)) return undefined
  return (list as DescriptorJSON[]).map((c) => ({ ...c, id: fromBase64url(c.id) }))
}

/** The publicKey part of a begin call's options; go-webauthn nests it. */
function publicKeyOf(c: Ceremony): Record<string, unknown> {
  return (c.options.publicKey ?? c.options) as Record<string, unknown>
}

/** The browser's refusals as errors a page can show. */
function browserError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  const name = e instanceof DOMException ? e.name : ''
  switch (name) {
    case 'NotAllowedError':
      return new ApiError(0, 'The passkey request was cancelled or timed out.')
    case 'InvalidStateError':
      return new ApiError(0, 'This device already holds a passkey for your account.')
    case 'SecurityError':
      return new ApiError(0, 'This site cannot use passkeys at this address.')
    case 'NotSupportedError':
      return new ApiError(0, 'This browser or device does not support passkeys.')
  }
  return new ApiError(0, e instanceof Error ? e.message : String(e))
}

/** Runs navigator.credentials.create() on a registration's options. */
async function create(c: Ceremony): Promise<Record<string, unknown>> {
  const pk = publicKeyOf(c)
  const user = pk.user as { id: string; name: string; displayName: string }
  const options = {
    ...pk,
    challenge: fromBase64url(pk.challenge as string),
    user: { ...user, id: fromBase64url(user.id) },
    excludeCredentials: descriptors(pk.excludeCredentials),
  } as unknown as PublicKeyCredentialCreationOptions
  let cred: PublicKeyCredential
  try {
    const got = await navigator.credentials.create({ publicKey: options })
    if (!(got instanceof PublicKeyCredential)) throw new ApiError(0, 'The browser gave no passkey.')
    cred = got
  } catch (e) {
    throw browserError(e)
  }
  const res = cred.response as AuthenticatorAttestationResponse
  return {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(res.clientDataJSON),
      attestationObject: toBase64url(res.attestationObject),
      transports: typeof res.getTransports === 'function' ? res.getTransports() : undefined,
    },
  }
}

/** Runs navigator.credentials.get() on a login's options. */
async function get(c: Ceremony): Promise<Record<string, unknown>> {
  const pk = publicKeyOf(c)
  const options = {
    ...pk,
    challenge: fromBase64url(pk.challenge as string),
    allowCredentials: descriptors(pk.allowCredentials),
  } as unknown as PublicKeyCredentialRequestOptions
  // Conditional mediation needs an autofill field; a button asks outright.
  const mediation = c.options.mediation && c.options.mediation !== 'conditional' ? (c.options.mediation as CredentialMediationRequirement) : undefined
  let cred: PublicKeyCredential
  try {
    const got = await navigator.credentials.get(mediation ? { publicKey: options, mediation } : { publicKey: options })
    if (!(got instanceof PublicKeyCredential)) throw new ApiError(0, 'The browser gave no passkey.')
    cred = got
  } catch (e) {
    throw browserError(e)
  }
  const res = cred.response as AuthenticatorAssertionResponse
  return {
    id: cred.id,
    rawId: toBase64url(cred.rawId),
    type: cred.type,
    authenticatorAttachment: cred.authenticatorAttachment ?? undefined,
    clientExtensionResults: cred.getClientExtensionResults(),
    response: {
      clientDataJSON: toBase64url(res.clientDataJSON),
      authenticatorData: toBase64url(res.authenticatorData),
      signature: toBase64url(res.signature),
      userHandle: res.userHandle ? toBase64url(res.userHandle) : undefined,
    },
  }
}

export const passkeys = {
  list: () => api.get<{ passkeys: Passkey[] }>('/account/passkeys').then((r) => r.passkeys),
  rename: (id: number, name: string) => api.patch(`/account/passkeys/${id}`, { name }),
  remove: (id: number) => api.delete(`/account/passkeys/${id}`),

  /** Adds a passkey for the signed-in user; the name is checked first, so
   * the authenticator is not asked for a key the API would then refuse. */
  async add(name: string): Promise<Passkey> {
    const n = name.trim()
    if (n === '' || [...n].length > maxPasskeyName) {
      throw new ApiError(422, 'Check the passkey name.', [
        { location: 'body.name', message: n === '' ? 'give the passkey a name' : `at most ${maxPasskeyName} characters` },
      ])
    }
    const c = await api.post<Ceremony>('/account/passkeys/begin')
    const credential = await create(c)
    return api.post<Passkey>('/account/passkeys/finish', { name: n, credential })
  },

  /** Signs in with a passkey, no email needed; it also counts as the second factor. */
  async signIn(): Promise<LoginResult> {
    const c = await api.post<Ceremony>('/auth/passkey/begin')
    const credential = await get(c)
    return api.post<LoginResult>('/auth/passkey/finish', { credential })
  },

  /** Passes a pending session's second factor with one of its user's passkeys. */
  async passSecondFactor(): Promise<void> {
    const c = await api.post<Ceremony>('/auth/second-factor/passkey/begin')
    const credential = await get(c)
    await api.post('/auth/second-factor/passkey/finish', { credential })
  },
}
