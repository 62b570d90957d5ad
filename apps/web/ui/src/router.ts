import { createRouter, createWebHistory, type RouteRecordRaw } from 'vue-router'
import type { Config } from './config'
import { isStaff } from './api/auth'
import { loadSession } from './session'

declare module 'vue-router' {
  interface RouteMeta {
    /** Open without a session (sign-in, register). */
    public?: boolean
    /** The label of the route's link in the navigation bar. */
    nav?: string
  }
}

/**
 * The area's router: every page but the public ones needs a session, and
 * the admin area a staff session that passed its second factor; otherwise
 * the sign-in page takes over and returns to the page asked for.
 */
export function makeRouter(config: Config, routes: RouteRecordRaw[]) {
  const router = createRouter({ history: createWebHistory(config.base), routes })
  router.beforeEach(async (to) => {
    if (to.meta.public) return true
    const me = await loadSession().catch(() => null)
    const allowed = me !== null && (config.area === 'account' || (isStaff(me.user) && me.second_factor_passed))
    return allowed || { name: 'sign-in', query: { next: to.fullPath } }
  })
  return router
}
