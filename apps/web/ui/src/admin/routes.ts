import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('../auth/SignInPage.vue'), meta: { public: true } },
  { path: '/', name: 'analytics', component: () => import('./AnalyticsPage.vue'), meta: { nav: 'Analytics' } },
  { path: '/services', name: 'services', component: () => import('./ServicesPage.vue'), meta: { nav: 'Services' } },
  { path: '/automation', name: 'automation', component: () => import('./AutomationPage.vue'), meta: { nav: 'Automation' } },
  { path: '/audit', name: 'audit', component: () => import('./AuditPage.vue'), meta: { nav: 'Audit log' } },
  { path: '/security', name: 'security', component: () => import('../auth/SecurityPage.vue'), meta: { nav: 'Security' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('../components/NotFoundPage.vue') },
]
