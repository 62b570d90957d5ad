// Package discord posts admin alerts (a new signup or order, an order above
// the configured amount, a failed payment, a suspension or cancellation, a
// failed provisioning, a failed admin login) to a Discord channel through an
// incoming webhook. The job handlers that run the alert jobs build an Alert
// and call Notifier.Send; which events alert, and the amount above which an
// order is worth one, are their business, not this package's.
//
// It speaks Discord's Execute Webhook endpoint (POST
// /api/webhooks/{webhook.id}/{webhook.token}) with an embed per alert, as
// documented at
//
//   - https://discord.com/developers/docs/resources/webhook#execute-webhook
//   - https://discord.com/developers/docs/resources/message#embed-object-embed-limits
//   - https://discord.com/developers/docs/resources/message#allowed-mentions-object
//   - https://discord.com/developers/docs/topics/rate-limits
//   - https://discord.com/developers/docs/topics/opcodes-and-status-codes#json
//
// Alert text is cut to Discord's limits before sending (title 256,
// description 4096, 25 fields of 256/1024, 6000 for the whole embed), so a
// long provisioning error or a pasted customer note never turns an alert
// into a 400. Every message carries allowed_mentions {"parse": []}, so
// "@everyone" in a customer's name pings nobody.
//
// Rate limits: when a response says the webhook's bucket is empty
// (X-RateLimit-Remaining: 0) the next Send waits X-RateLimit-Reset-After
// first, and a 429 is waited out (retry_after) and retried a few times. A
// Notifier posts to one webhook, so it keeps one bucket and does not key
// buckets by X-RateLimit-Bucket. A wait longer than a minute is not slept
// through: Send returns ERATELIMITED so the job queue reschedules the alert
// instead of holding a worker and its job lease.
//
// Errors are platform errors. ERATELIMITED and EINTERNAL (a 5xx, a network
// failure) are transient: let the job queue retry them. EINVALID (400),
// ENOTFOUND (404: the webhook was deleted or the URL is wrong),
// EUNAUTHORIZED (401: wrong token) and EFORBIDDEN fail the same way on every
// try until staff fix the configuration, so the alert job should give up on
// them at once rather than retry; Discord asks clients to stop using a
// webhook that answered 404 and temporarily bans IPs that keep making
// failing requests.
//
// The webhook token in the URL is a secret (it alone lets anyone post in the
// channel): errors name the webhook by its id with the token redacted, and
// never wrap net/http's *url.Error, which would print the full URL.
//
// Package discordtest is a fake of the endpoint for tests.
package discord
