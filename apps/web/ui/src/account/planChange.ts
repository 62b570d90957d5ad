// Which plans a subscription may be offered to move to. The API keeps the
// subscription's currency and cycle, so only plans priced in both qualify,
// and only of the same kind; the current plan too when it has add-ons to
// change. The catalog does not say which moves the plan allows, so the
// quote may still refuse one.
import type { Plan, Subscription } from '../api/billing'

export function priceFor(p: Plan, sub: Subscription): string | undefined {
  return p.prices.find((x) => x.currency === sub.currency && x.cycle === sub.cycle)?.amount
}

export function changeTargets(sub: Subscription, plans: Plan[]): Plan[] {
  const current = plans.find((p) => p.id === sub.plan_id) ?? null
  return plans.filter(
    (p) =>
      (current === null || p.type === current.type) &&
      priceFor(p, sub) !== undefined &&
      (p.id !== sub.plan_id || p.options.length > 0),
  )
}
