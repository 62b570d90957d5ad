// Stripe.js, loaded from Stripe only when the gateway is Stripe: card
// details must go from the browser to Stripe (never through our server),
// and Stripe requires the script from js.stripe.com. The sandbox needs
// none. Only the few calls the account area uses are typed here.

export interface StripeElement {
  mount(el: HTMLElement): void
  destroy(): void
}

export interface StripeElements {
  create(type: 'payment'): StripeElement
  submit(): Promise<{ error?: StripeError }>
}

export interface StripeError {
  message?: string
}

export interface StripeJS {
  elements(options: { clientSecret: string }): StripeElements
  confirmSetup(options: {
    elements: StripeElements
    redirect: 'if_required'
    confirmParams?: { return_url?: string }
  }): Promise<{ error?: StripeError; setupIntent?: { payment_method: string | { id: string } | null } }>
  handleNextAction(options: { clientSecret: string }): Promise<{ error?: StripeError }>
}

declare global {
  interface Window {
    Stripe?: (publishableKey: string) => StripeJS
  }
}

const scriptURL = 'https://js.stripe.com/v3/'
let loading: Promise<void> | null = null

/** Loads Stripe.js once and returns a client for the publishable key. */
export async function loadStripe(publishableKey: string): Promise<StripeJS> {
  if (!window.Stripe) {
    loading ??= new Promise<void>((resolve, reject) => {
      const s = document.createElement('script')
      s.src = scriptURL
      s.async = true
      s.onload = () => resolve()
      s.onerror = () => {
        loading = null
        reject(new Error('Stripe could not be reached to load the card form; check your connection and try again.'))
      }
      document.head.appendChild(s)
    })
    await loading
  }
  if (!window.Stripe) throw new Error('Stripe.js did not load.')
  return window.Stripe(publishableKey)
}

/** The id of the payment method a confirmed SetupIntent saved. */
export function savedPaymentMethod(pm: string | { id: string } | null | undefined): string | undefined {
  if (!pm) return undefined
  return typeof pm === 'string' ? pm : pm.id
}
