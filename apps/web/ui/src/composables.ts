import { ref, type Ref } from 'vue'
import { toApiError, type ApiError } from './api/client'

/** A user action's state: whether it runs, and the error it ended with. */
export function useTask() {
  const busy = ref(false)
  const error = ref<ApiError | null>(null)
  /** Runs fn; on failure keeps its error and resolves to undefined. */
  async function run<T>(fn: () => Promise<T>): Promise<T | undefined> {
    busy.value = true
    error.value = null
    try {
      return await fn()
    } catch (e) {
      error.value = toApiError(e)
      return undefined
    } finally {
      busy.value = false
    }
  }
  return { busy, error, run }
}

/** Data loaded from the API, with its loading state and error. */
export function useLoad<T>(fetcher: () => Promise<T>) {
  const data = ref<T | null>(null) as Ref<T | null>
  const loading = ref(false)
  const error = ref<ApiError | null>(null)
  async function reload(): Promise<void> {
    loading.value = true
    error.value = null
    try {
      data.value = await fetcher()
    } catch (e) {
      error.value = toApiError(e)
    } finally {
      loading.value = false
    }
  }
  void reload()
  return { data, loading, error, reload }
}

/**
 * A list the API pages newest first, pageSize at a time, continuing after
 * the last id shown (before_id). load() starts over, load(true) appends
 * the next page; an answer to an older load that arrives after a newer
 * one began is dropped, so typing in a search box cannot show stale rows.
 */
export function usePages<T extends { id: number }>(fetchPage: (beforeID?: number) => Promise<T[]>, pageSize: number) {
  const items = ref<T[]>([]) as Ref<T[]>
  const more = ref(false)
  const loaded = ref(false)
  const { busy, error, run } = useTask()
  let seq = 0
  async function load(next = false): Promise<void> {
    const before = next ? items.value[items.value.length - 1]?.id : undefined
    const mine = ++seq
    const page = await run(() => fetchPage(before))
    if (page === undefined || mine !== seq) return
    items.value = next ? [...items.value, ...page] : page
    more.value = page.length === pageSize
    loaded.value = true
  }
  return { items, more, loaded, busy, error, load }
}
