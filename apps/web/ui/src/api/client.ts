// A small typed client for the REST API under /api/v1: same-origin
// requests carry the session cookie, and error responses (RFC 9457 problem
// details, as huma writes them) become ApiError.

/** One problem with one part of a request, such as "body.email". */
export interface ErrorDetail {
  location: string
  message: string
}

/** An error answered by the API, or a network failure (status 0). */
export class ApiError extends Error {
  readonly status: number
  readonly detail: string
  readonly errors: readonly ErrorDetail[]

  constructor(status: number, detail: string, errors: readonly ErrorDetail[] = []) {
    super(detail)
    this.name = 'ApiError'
    this.status = status
    this.detail = detail
    this.errors = errors
  }

  /** The message for a request body field ("email" for body.email), if any. */
  field(name: string): string | undefined {
    return this.errors.find((e) => e.location === `body.${name}`)?.message
  }

  /** The error details that name none of the given body fields. */
  otherThan(fields: readonly string[]): ErrorDetail[] {
    return this.errors.filter((e) => !fields.some((f) => e.location === `body.${f}`))
  }
}

const prefix = '/api/v1'

async function errorOf(res: Response): Promise<ApiError> {
  let detail = res.statusText || `Request failed (${res.status})`
  let errors: ErrorDetail[] = []
  try {
    const body: unknown = await res.json()
    if (body && typeof body === 'object') {
      const b = body as { detail?: unknown; title?: unknown; errors?: unknown }
      if (typeof b.detail === 'string' && b.detail !== '') detail = b.detail
      else if (typeof b.title === 'string' && b.title !== '') detail = b.title
      if (Array.isArray(b.errors)) {
        errors = b.errors.filter(
          (e): e is ErrorDetail =>
            !!e && typeof e === 'object' && typeof e.message === 'string' && typeof (e.location ?? '') === 'string',
        ).map((e) => ({ location: e.location ?? '', message: e.message }))
      }
    }
  } catch {
    // Not JSON (a proxy's error page, say): the status text will do.
  }
  return new ApiError(res.status, detail, errors)
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' }
  const init: RequestInit = { method, headers, credentials: 'same-origin' }
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json'
    init.body = JSON.stringify(body)
  }
  let res: Response
  try {
    res = await fetch(prefix + path, init)
  } catch {
    throw new ApiError(0, 'The server could not be reached. Check your connection and try again.')
  }
  if (!res.ok) throw await errorOf(res)
  if (res.status === 204 || res.status === 202 || res.headers.get('Content-Length') === '0') {
    return undefined as T
  }
  return (await res.json()) as T
}

/** The URL of an API path, for links the browser follows itself (PDFs). */
export function apiURL(path: string): string {
  return prefix + path
}

export const api = {
  get: <T>(path: string) => request<T>('GET', path),
  post: <T = void>(path: string, body?: unknown) => request<T>('POST', path, body),
  put: <T = void>(path: string, body?: unknown) => request<T>('PUT', path, body),
  patch: <T = void>(path: string, body?: unknown) => request<T>('PATCH', path, body),
  delete: (path: string) => request<void>('DELETE', path),
}

/** A query string from the set values of params, with its leading "?". */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== '') q.set(k, String(v))
  }
  const s = q.toString()
  return s === '' ? '' : `?${s}`
}

/** Any thrown value as an ApiError, so pages show one kind of error. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiError) return e
  return new ApiError(0, e instanceof Error ? e.message : String(e))
}
