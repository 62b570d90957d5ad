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
