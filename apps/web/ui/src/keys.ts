import { inject, type InjectionKey } from 'vue'
import type { Config } from './config'

export const configKey: InjectionKey<Config> = Symbol('config')

/** The area and base the server injected, provided by main.ts. */
export function useConfig(): Config {
  const c = inject(configKey)
  if (!c) throw new Error('config not provided')
  return c
}
