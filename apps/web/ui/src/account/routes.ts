import type { RouteRecordRaw } from 'vue-router'

export const accountRoutes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('../auth/SignInPage.vue'), meta: { public: true } },
  { path: '/register', name: 'register', component: () => import('./RegisterPage.vue'), meta: { public: true } },
  { path: '/verify-email', name: 'verify-email', component: () => import('./VerifyEmailPage.vue'), meta: { public: true } },
  { path: '/', name: 'dashboard', component: () => import('./DashboardPage.vue'), meta: { nav: 'Dashboard' } },
  { path: '/services/:id(\\d+)', name: 'service', component: () => import('./ServicePage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/checkout', name: 'checkout', component: () => import('./CheckoutPage.vue') },
  { path: '/payment-methods', name: 'payment-methods', component: () => import('./PaymentMethodsPage.vue'), meta: { nav: 'Payment methods' } },
  { path: '/security', name: 'security', component: () => import('../auth/SecurityPage.vue'), meta: { nav: 'Security' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('../components/NotFoundPage.vue') },
]
