import type { RouteRecordRaw } from 'vue-router'

export const adminRoutes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('../auth/SignInPage.vue'), meta: { public: true } },
  { path: '/', name: 'analytics', component: () => import('./AnalyticsPage.vue'), meta: { nav: 'Analytics' } },
  { path: '/customers', name: 'customers', component: () => import('./CustomersPage.vue'), meta: { nav: 'Customers' } },
  {
    path: '/customers/:id(\\d+)',
    name: 'customer',
    component: () => import('./CustomerPage.vue'),
    props: (r) => ({ id: Number(r.params.id) }),
  },
  { path: '/orders', name: 'orders', component: () => import('./OrdersPage.vue'), meta: { nav: 'Orders' } },
  { path: '/services', name: 'services', component: () => import('./ServicesPage.vue'), meta: { nav: 'Services' } },
  { path: '/plans', name: 'plans', component: () => import('./PlansPage.vue'), meta: { nav: 'Plans' } },
  { path: '/coupons', name: 'coupons', component: () => import('./CouponsPage.vue'), meta: { nav: 'Coupons' } },
  { path: '/tax-rates', name: 'tax-rates', component: () => import('./TaxRatesPage.vue'), meta: { nav: 'Tax rates' } },
  {
    path: '/email-templates',
    name: 'email-templates',
    component: () => import('./EmailTemplatesPage.vue'),
    props: (r) => ({ kind: typeof r.query.kind === 'string' ? r.query.kind : undefined }),
    meta: { nav: 'Email templates' },
  },
  { path: '/announcements', name: 'announcements', component: () => import('./AnnouncementsPage.vue'), meta: { nav: 'Announcements' } },
  { path: '/settings', name: 'settings', component: () => import('./SettingsPage.vue'), meta: { nav: 'Settings' } },
  { path: '/staff', name: 'staff', component: () => import('./StaffPage.vue'), meta: { nav: 'Staff' } },
  { path: '/automation', name: 'automation', component: () => import('./AutomationPage.vue'), meta: { nav: 'Automation' } },
  { path: '/audit', name: 'audit', component: () => import('./AuditPage.vue'), meta: { nav: 'Audit log' } },
  { path: '/security', name: 'security', component: () => import('../auth/SecurityPage.vue'), meta: { nav: 'Security' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('../components/NotFoundPage.vue') },
]
