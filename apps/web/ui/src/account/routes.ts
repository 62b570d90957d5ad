import type { RouteRecordRaw } from 'vue-router'

export const accountRoutes: RouteRecordRaw[] = [
  { path: '/sign-in', name: 'sign-in', component: () => import('../auth/SignInPage.vue'), meta: { public: true } },
  { path: '/register', name: 'register', component: () => import('./RegisterPage.vue'), meta: { public: true } },
  { path: '/verify-email', name: 'verify-email', component: () => import('./VerifyEmailPage.vue'), meta: { public: true } },
  { path: '/forgot-password', name: 'forgot-password', component: () => import('../auth/ForgotPasswordPage.vue'), meta: { public: true } },
  // The reset email links here (automation/notifications.go): /reset-password?token=...
  { path: '/reset-password', name: 'reset-password', component: () => import('../auth/ResetPasswordPage.vue'), meta: { public: true } },
  { path: '/', name: 'dashboard', component: () => import('./DashboardPage.vue'), meta: { nav: 'Dashboard' } },
  { path: '/services/:id(\\d+)', name: 'service', component: () => import('./ServicePage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  { path: '/checkout', name: 'checkout', component: () => import('./CheckoutPage.vue') },
  { path: '/invoices', name: 'invoices', component: () => import('./InvoicesPage.vue'), meta: { nav: 'Invoices' } },
  {
    // PayPal's return and cancel pages for an invoice (adapters/httpapi/invoice_payments.go).
    path: '/invoices/:id(\\d+)/paypal/:outcome(return|cancel)',
    name: 'invoice-paypal',
    component: () => import('./PayPalReturnPage.vue'),
    props: (r) => ({ id: Number(r.params.id), outcome: r.params.outcome }),
  },
  { path: '/invoices/:id(\\d+)', name: 'invoice', component: () => import('./InvoicePage.vue'), props: (r) => ({ id: Number(r.params.id) }) },
  {
    // PayPal's return and cancel pages for a PayPal subscription (adapters/httpapi/invoice_payments.go).
    path: '/subscriptions/:id(\\d+)/paypal/:outcome(return|cancel)',
    name: 'subscription-paypal',
    component: () => import('./SubscriptionPayPalReturnPage.vue'),
    props: (r) => ({ id: Number(r.params.id), outcome: r.params.outcome }),
  },
  { path: '/subscriptions', name: 'subscriptions', component: () => import('./SubscriptionsPage.vue'), meta: { nav: 'Subscriptions' } },
  { path: '/payment-methods', name: 'payment-methods', component: () => import('./PaymentMethodsPage.vue'), meta: { nav: 'Payment methods' } },
  { path: '/profile', name: 'profile', component: () => import('./ProfilePage.vue'), meta: { nav: 'Profile' } },
  { path: '/security', name: 'security', component: () => import('../auth/SecurityPage.vue'), meta: { nav: 'Security' } },
  { path: '/:rest(.*)*', name: 'not-found', component: () => import('../components/NotFoundPage.vue') },
]
