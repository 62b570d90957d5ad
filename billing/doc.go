// Package billing is the billing domain of the platform: money, the
// catalog, subscriptions, invoices and their numbering, tax, coupons,
// proration, the credit balance, renewals, dunning and revenue metrics.
//
// It is pure: it imports the standard library and the platform's shared
// kernel only, and reaches storage and payment gateways through the ports it
// declares (Store, Gateway). Service holds the use cases; adapters/sqlite
// and adapters/mysql implement Store, adapters/fakegateway a Gateway for
// tests and examples.
//
// Money is integer minor units of an ISO 4217 currency, rounded by one rule
// (half away from zero) wherever a fraction is taken; tax is rounded once
// per invoice (see ComputeTax). Every effect outside billing (charging a
// card, provisioning, emails) is written as a job to the outbox in the same
// transaction as the change that causes it.
package billing
