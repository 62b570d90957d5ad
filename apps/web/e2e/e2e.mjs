// End-to-end browser test of the web app: a customer signs up, orders a
// VPS with a coupon, pays, sees it active, downloads the invoice and sets
// up an authenticator app on the Security page; then staff sign in, set up
// their authenticator, see the order in analytics, find the customer,
// rename the company in the settings, suspend the service,
// find it in the audit log, add, rename, use and remove a passkey on the
// Security page through Chromium's virtual authenticator, and remove their
// authenticator app there.
//
// It builds and starts nothing: scripts/test-e2e.sh starts the app and
// Mailpit and passes them in the environment:
//
//   EZSCALE_E2E_URL                  the app's base URL (http://localhost:PORT;
//                                    a host name, not an IP, so WebAuthn works)
//   EZSCALE_TEST_MAILPIT_API         Mailpit's HTTP API (http://127.0.0.1:PORT)
//   EZSCALE_E2E_ADMIN_EMAIL/PASSWORD the demo admin the app printed
//   EZSCALE_E2E_SCREENSHOTS          where screenshots go (default ./screenshots)
//   EZSCALE_E2E_CHROMIUM             the browser (default /usr/bin/chromium)
//   EZSCALE_E2E_HEADED=1             show the browser
//
// Each step takes a screenshot when it ends; a failing step takes one of
// the page as it was, prints what failed and exits 1.
import { chromium } from 'playwright-core'
import { createHmac } from 'node:crypto'
import { mkdirSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const here = dirname(fileURLToPath(import.meta.url))

function env(name, fallback) {
  const v = process.env[name] ?? fallback
  if (v === undefined || v === '') {
    console.error(`e2e: ${name} is not set`)
    process.exit(2)
  }
  return v
}

const base = env('EZSCALE_E2E_URL').replace(/\/+$/, '')
const mailpit = env('EZSCALE_TEST_MAILPIT_API').replace(/\/+$/, '')
const adminEmail = env('EZSCALE_E2E_ADMIN_EMAIL')
const adminPassword = env('EZSCALE_E2E_ADMIN_PASSWORD')
const shots = resolve(env('EZSCALE_E2E_SCREENSHOTS', join(here, 'screenshots')))
const browserPath = env('EZSCALE_E2E_CHROMIUM', '/usr/bin/chromium')

const customerEmail = `e2e-${Date.now()}@example.test`
const customerPassword = 'e2e-Correct-Horse-42'
const planCode = 'vps-2g'
const coupon = 'WELCOME10'

// ---------------------------------------------------------------- helpers

/** Fails the current step with a message. */
function fail(msg) {
  throw new Error(msg)
}

/** Polls fn until it returns a truthy value or timeoutMs passes. */
async function poll(what, fn, timeoutMs = 20000, everyMs = 500) {
  const end = Date.now() + timeoutMs
  let last
  for (;;) {
    try {
      const v = await fn()
      if (v) return v
    } catch (e) {
      last = e
    }
    if (Date.now() > end) fail(`timed out after ${timeoutMs / 1000}s waiting for ${what}${last ? `: ${last.message}` : ''}`)
    await new Promise((r) => setTimeout(r, everyMs))
  }
}

/** RFC 4648 base32 (no padding needed) to bytes. */
function base32Decode(s) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = 0
  let value = 0
  const out = []
  for (const c of s.toUpperCase().replace(/=+$/, '').replace(/\s/g, '')) {
    const i = alphabet.indexOf(c)
    if (i < 0) throw new Error(`not base32: ${c}`)
    value = (value << 5) | i
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** RFC 6238 TOTP (HMAC-SHA1, 6 digits, 30 s steps) for a step offset from now. */
function totp(secret, stepOffset = 0, now = Date.now()) {
  const step = Math.floor(now / 1000 / 30) + stepOffset
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const mac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const off = mac[mac.length - 1] & 0x0f
  const bin = mac.readUInt32BE(off) & 0x7fffffff
  return String(bin % 1_000_000).padStart(6, '0')
}

/** The otpauth URL's parameters must be what totp() computes. */
function checkOtpauth(url) {
  const q = new URL(url).searchParams
  const alg = (q.get('algorithm') ?? 'SHA1').toUpperCase()
  const digits = q.get('digits') ?? '6'
  const period = q.get('period') ?? '30'
  if (alg !== 'SHA1' || digits !== '6' || period !== '30') {
    fail(`unexpected TOTP parameters in ${url}: algorithm ${alg}, digits ${digits}, period ${period}`)
  }
}

/** The emails to an address, newest first, from Mailpit, each with its text and HTML. */
async function emailsTo(address) {
  const res = await fetch(`${mailpit}/api/v1/search?query=${encodeURIComponent(`to:"${address}"`)}`)
  if (!res.ok) fail(`Mailpit search answered ${res.status}`)
  const { messages = [] } = await res.json()
  const out = []
  for (const m of messages) {
    const msg = await fetch(`${mailpit}/api/v1/message/${m.ID}`)
    if (!msg.ok) fail(`Mailpit message answered ${msg.status}`)
    out.push(await msg.json())
  }
  return out
}

/** A Vuetify field's <input> by the data-test attribute on the field. */
function field(page, test) {
  return page.locator(`[data-test="${test}"] input`).first()
}

/** Calls the REST API from the page, with its session cookie (to check what the UI did). */
async function apiFromPage(page, method, path, body) {
  const res = await page.evaluate(
    async ({ method, path, body }) => {
      const init = { method, credentials: 'same-origin', headers: { Accept: 'application/json' } }
      if (body !== undefined) {
        init.headers['Content-Type'] = 'application/json'
        init.body = JSON.stringify(body)
      }
      const r = await fetch('/api/v1' + path, init)
      const text = await r.text()
      return { status: r.status, text }
    },
    { method, path, body },
  )
  if (res.status >= 400) fail(`${method} ${path} answered ${res.status}: ${res.text}`)
  return res.text ? JSON.parse(res.text) : undefined
}

// ------------------------------------------------------------------ steps

// Only the previous run's screenshots go: the directory may be shared.
mkdirSync(shots, { recursive: true })
for (const f of readdirSync(shots)) if (/^\d\d-.*\.png$/.test(f)) rmSync(join(shots, f))

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0
const browser = await chromium.launch({
  executablePath: browserPath,
  headless: process.env.EZSCALE_E2E_HEADED !== '1',
  args: asRoot ? ['--no-sandbox'] : [],
})
const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 }, acceptDownloads: true })
context.setDefaultTimeout(15000)
let page = await context.newPage()
const consoleErrors = []
page.on('pageerror', (e) => consoleErrors.push(String(e)))

let stepNo = 0
const started = Date.now()

/** Runs one step: a screenshot when it ends, or a screenshot and exit 1 when it fails. */
async function step(name, fn) {
  stepNo++
  const slug = `${String(stepNo).padStart(2, '0')}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`
  const t0 = Date.now()
  try {
    await fn()
    await page.screenshot({ path: join(shots, `${slug}.png`), fullPage: true })
    console.log(`ok   ${String(stepNo).padStart(2)} ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`)
  } catch (e) {
    const shot = join(shots, `${slug}-FAILED.png`)
    await page.screenshot({ path: shot, fullPage: true }).catch(() => {})
    console.error(`FAIL ${String(stepNo).padStart(2)} ${name}: ${e.message.split('\n')[0]}`)
    console.error(`     page: ${page.url()}`)
    console.error(`     screenshot: ${shot}`)
    if (consoleErrors.length) console.error(`     page errors: ${consoleErrors.join(' | ')}`)
    console.error(e.stack)
    await browser.close().catch(() => {})
    process.exit(1)
  }
}

// ---- customer

let serviceID = 0

await step('storefront home', async () => {
  await page.goto('/')
  await page.getByRole('heading', { name: 'Hosting that scales with you' }).waitFor()
})

await step('VPS page', async () => {
  await page.getByRole('link', { name: 'VPS', exact: true }).first().click()
  await page.waitForURL('**/vps')
  await page.locator(`a.order[href*="plan=${planCode}"]`).waitFor()
})

await step('order the 2 GB plan: sign-in asked for', async () => {
  await page.locator(`a.order[href*="plan=${planCode}"]`).click()
  // Without a session the SPA shows its sign-in page, keeping the checkout as next.
  await page.waitForURL(/\/account\/sign-in\?next=/)
  await page.locator('[data-test="sign-in"]').waitFor()
})

await step('sign up', async () => {
  await page.locator('[data-test="register-link"]').click()
  await page.waitForURL(/\/account\/register(\?|$)/)
  await field(page, 'register-email').fill(customerEmail)
  await field(page, 'register-password').fill(customerPassword)
  await field(page, 'register-name').fill('E2E Customer')
  await page.locator('[data-test="register-submit"]').click()
  await page.locator('[data-test="register-done"]').waitFor()
})

await step('open the verification email link', async () => {
  const linkIn = (msg) => `${msg.Text ?? ''}\n${(msg.HTML ?? '').replace(/&amp;/g, '&')}`.match(/https?:\/\/[^\s"'<>]*verify-email\?token=[^\s"'<>]+/)?.[0]
  let seen = []
  const link = await poll(`an email with a verify-email link to ${customerEmail} in Mailpit`, async () => {
    const msgs = await emailsTo(customerEmail)
    seen = msgs.map((m) => `"${m.Subject}"`)
    return msgs.map(linkIn).find(Boolean)
  }, 20000).catch((e) => fail(`${e.message}; emails seen: ${seen.join(', ') || 'none'}`))
  if (!link.startsWith(base + '/account/')) fail(`the verification link ${link} is not under ${base}/account/`)
  if (!new URL(link).searchParams.get('next')?.startsWith('/checkout?plan=vps-2g')) fail(`the verification link ${link} does not lead back to the checkout`)
  // As from a mail client: a new tab, which knows nothing of the first.
  const tab = await context.newPage()
  tab.on('pageerror', (e) => consoleErrors.push(String(e)))
  await page.close()
  page = tab
  await page.goto(link)
  await page.locator('[data-test="email-verified"]').waitFor()
})

await step('sign in: back at the checkout', async () => {
  await page.locator('[data-test="verified-sign-in"]').click()
  await page.waitForURL('**/account/sign-in**')
  await field(page, 'login-email').fill(customerEmail)
  await field(page, 'login-password').fill(customerPassword)
  await page.locator('[data-test="login-submit"]').click()
  await page.waitForURL(/\/account\/checkout\?plan=vps-2g/)
  await page.locator('[data-test="order-form"]').waitFor()
  await page.locator('[data-test="signed-in-as"]', { hasText: customerEmail }).waitFor()
})

await step('monthly, coupon WELCOME10, place the order', async () => {
  await page.locator('[data-test="order-cycle-monthly"] input').check()
  await field(page, 'order-coupon').fill(coupon)
  await page.locator('[data-test="order-submit"]').click()
  await page.locator('[data-test="order-placed"]').waitFor()
  const placed = await page.locator('[data-test="order-placed"]').innerText()
  if (!/monthly/.test(placed)) fail(`the order is not monthly: ${placed}`)
  const discount = page.locator('[data-test="invoice-discount"]')
  await discount.first().waitFor()
  const text = await discount.first().innerText()
  if (!/WELCOME10|-/.test(text)) fail(`the discount line does not look like one: ${text}`)
  const subtotal = await page.locator('[data-test="invoice-subtotal"]').innerText()
  const lines = await page.locator('[data-test="invoice-line"]').allInnerTexts()
  console.log(`     invoice: ${lines.join(' | ')} | discount: ${text.replace(/\s+/g, ' ')} | subtotal ${subtotal}`)
})

await step('add the sandbox card and pay', async () => {
  await field(page, 'card-id').fill('pm_card_visa')
  await page.locator('[data-test="card-save"]').click()
  await page.locator('[data-test^="pay-card-"]').first().waitFor()
  await page.locator('[data-test="pay-now"]').click()
  await page.locator('[data-test="invoice-settled"]').waitFor()
  const settled = await page.locator('[data-test="invoice-settled"]').innerText()
  if (!/paid/.test(settled)) fail(`after paying: ${settled}`)
  const due = await page.locator('[data-test="invoice-due"]').innerText()
  if (!/^\D*0[.,]00\D*$/.test(due.trim())) fail(`amount due after paying is ${due}`)
})

await step('download the invoice PDF', async () => {
  const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-test="invoice-pdf"]').click()])
  const path = await download.path()
  const bytes = readFileSync(path)
  if (bytes.subarray(0, 4).toString('latin1') !== '%PDF') fail(`the download ${download.suggestedFilename()} does not start with %PDF`)
  // The browser hides the response headers of a download; ask again for them.
  const res = await context.request.get(download.url())
  const type = res.headers()['content-type'] ?? ''
  if (!type.startsWith('application/pdf')) fail(`the invoice PDF's Content-Type is ${type}`)
  console.log(`     ${download.suggestedFilename()}: ${bytes.length} bytes, ${type}`)
})

await step('the service becomes active on the dashboard', async () => {
  await page.locator('[data-test="nav-dashboard"]').click()
  await page.waitForURL(/\/account\/$/)
  await poll('an active service on the dashboard', async () => {
    await page.reload()
    const row = page.locator('[data-test="service-row"]').first()
    await row.waitFor({ timeout: 5000 })
    return (await row.locator('[data-test="status"]').innerText()).trim() === 'active'
  }, 20000, 1000)
  const link = page.locator('[data-test="service-link"]').first()
  // The customer knows the service by the plan they ordered.
  const name = (await link.innerText()).trim()
  if (name !== 'VPS 2 GB') fail(`the service is listed as "${name}", want the plan's name "VPS 2 GB"`)
  const href = await link.getAttribute('href')
  serviceID = Number(href?.match(/services\/(\d+)/)?.[1] ?? 0)
  if (!serviceID) fail(`no service id in the link ${href}`)
  console.log(`     service #${serviceID}`)
})

await step('the dashboard sums it up; ordering more starts from the catalog', async () => {
  const services = (await page.locator('[data-test="summary-services"]').innerText()).trim()
  if (services !== '1') fail(`the summary counts ${services} active services`)
  await page.locator('[data-test="quick-order"]').click()
  await page.locator(`[data-test="choose-${planCode}"]`).waitFor()
  await page.locator('[data-test="nav-dashboard"]').click()
  await page.waitForURL(/\/account\/$/)
})

await step('the paid invoice on the Invoices page', async () => {
  await page.locator('[data-test="nav-invoices"]').click()
  await page.waitForURL('**/account/invoices')
  const row = page.locator('[data-test="invoice-row"]').first()
  await row.waitFor()
  if (!/paid/i.test(await row.innerText())) fail(`the invoice row reads ${await row.innerText()}`)
  await row.locator('[data-test="invoice-link"]').click()
  await page.locator('[data-test="invoice-title"]').waitFor()
  await page.locator('[data-test="invoice-pdf"]').waitFor()
})

let totpSecret = ''
await step('set up an authenticator app on the Security page', async () => {
  await page.locator('[data-test="nav-security"]').click()
  await page.waitForURL('**/account/security')
  const status = page.locator('[data-test="security-totp-status"]')
  if ((await status.innerText()).trim() !== 'off') fail(`the authenticator app shows ${await status.innerText()} before setting one up`)
  await page.locator('[data-test="security-totp-setup"]').click()
  const secretField = field(page, 'totp-secret')
  await secretField.waitFor()
  const secret = await secretField.inputValue()
  checkOtpauth(await field(page, 'totp-url').inputValue())
  await field(page, 'totp-code').fill(totp(secret))
  await page.locator('[data-test="totp-confirm"]').click()
  const codes = (await page.locator('[data-test="recovery-codes"]').innerText()).split('\n').filter((c) => c.trim())
  if (codes.length === 0) fail('no recovery codes after confirming the authenticator app')
  await page.locator('[data-test="totp-enrol-done"]').click()
  await page.locator('[data-test="security-totp-status"]', { hasText: 'on' }).waitFor()
  await page.locator('[data-test="security-totp-remove"]').waitFor()
  console.log(`     ${codes.length} recovery codes`)
  totpSecret = secret
})

await step('sign out and in again: the code is asked for', async () => {
  const secret = totpSecret
  await page.locator('[data-test="sign-out"]').click()
  await page.locator('[data-test="login-email"]').waitFor()
  await field(page, 'login-email').fill(customerEmail)
  await field(page, 'login-password').fill(customerPassword)
  await page.locator('[data-test="login-submit"]').click()
  // The confirming code's step is spent; the next step's code is accepted (one step of skew).
  await field(page, 'second-factor-code').fill(totp(secret, 1))
  await page.locator('[data-test="second-factor-submit"]').click()
  await page.locator('[data-test="signed-in-as"]', { hasText: customerEmail }).waitFor()
})

// ---- staff, in a fresh browser context with a virtual authenticator

await context.close()
const staff = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } })
staff.setDefaultTimeout(15000)
page = await staff.newPage()
page.on('pageerror', (e) => consoleErrors.push(String(e)))

await step('staff sign-in', async () => {
  await page.goto('/admin/')
  await page.waitForURL('**/admin/sign-in**')
  await field(page, 'login-email').fill(adminEmail)
  await field(page, 'login-password').fill(adminPassword)
  await page.locator('[data-test="login-submit"]').click()
  await page.locator('[data-test="totp-begin"]').waitFor()
})

await step('set up the authenticator', async () => {
  await page.locator('[data-test="totp-begin"]').click()
  const secret = await field(page, 'totp-secret').inputValue()
  checkOtpauth(await field(page, 'totp-url').inputValue())
  await field(page, 'totp-code').fill(totp(secret))
  await page.locator('[data-test="totp-confirm"]').click()
  await page.locator('[data-test="recovery-codes"]').waitFor()
  await page.locator('[data-test="totp-enrol-done"]').click()
  await page.locator('[data-test="signed-in-as"]', { hasText: adminEmail }).waitFor()
})

await step('analytics show the order', async () => {
  await page.locator('[data-test="metric-mrr"]').waitFor()
  for (const m of ['metric-mrr', 'metric-arr']) {
    const v = (await page.locator(`[data-test="${m}"] [data-test="metric-value"]`).innerText()).trim()
    if (!/[1-9]/.test(v)) fail(`${m} is ${v}, want non-zero`)
    console.log(`     ${m}: ${v}`)
  }
})

await step('find the customer and open their page', async () => {
  await page.locator('[data-test="nav-customers"]').click()
  await page.waitForURL('**/admin/customers')
  await field(page, 'customer-search').fill(customerEmail)
  const row = page.locator('[data-test="customer-row"]', { hasText: customerEmail })
  await row.waitFor()
  await row.locator('[data-test="customer-link"]').click()
  await page.locator('[data-test="customer-title"]').waitFor()
  await page.locator('[data-test="invoice-row"]').first().waitFor()
  // The paid order's invoice shows the card payment that paid it.
  await page.locator('[data-test="invoice-row"]').first().locator('[data-test="invoice-view"]').click()
  const payment = page.locator('[data-test="invoice-view-dialog"] [data-test="invoice-transaction"]')
  await payment.first().waitFor()
  const text = (await payment.first().innerText()).replace(/\s+/g, ' ')
  if (!/Payment/.test(text) || !/sandbox/.test(text)) fail(`the invoice's payment reads ${text}`)
  console.log(`     ${text}`)
  await page.locator('[data-test="invoice-view-close"]').click()
  await page.locator('[data-test="invoice-view-dialog"]').waitFor({ state: 'detached' })
})

await step('write a draft invoice, edit it, issue it', async () => {
  const dialog = page.locator('[data-test="manual-invoice-dialog"]')
  await page.locator('[data-test="customer-new-invoice"]').click()
  await dialog.waitFor()
  await field(dialog, 'line-description').fill('Rack setup (e2e)')
  await field(dialog, 'line-amount').fill('25.00')
  await dialog.locator('[data-test="manual-invoice-save-draft"]').click()
  await dialog.waitFor({ state: 'detached' })
  const draft = page.locator('[data-test="invoice-row"]').filter({ has: page.locator('[data-test="draft-edit"]') })
  await draft.waitFor()
  await draft.locator('[data-test="draft-edit"]').click()
  await dialog.waitFor()
  await field(dialog, 'line-amount').fill('30.00')
  await dialog.locator('[data-test="manual-invoice-subtotal"]', { hasText: '30.00' }).waitFor()
  await dialog.locator('[data-test="manual-invoice-submit"]').click()
  await dialog.waitFor({ state: 'detached' })
  const id = await draft.getAttribute('data-invoice-id')
  await draft.locator('[data-test="draft-issue"]').click()
  await page.locator('[data-test="invoice-issue-dialog"] [data-test="invoice-action-confirm"]').click()
  await page.locator('[data-test="invoice-issue-dialog"]').waitFor({ state: 'detached' })
  const issued = page.locator(`[data-test="invoice-row"][data-invoice-id="${id}"]`)
  await poll('the issued invoice to show open with its balance', async () =>
    (await issued.locator('[data-test="status"]').innerText()).trim() === 'open' &&
    (await issued.locator('[data-test="invoice-balance"]').innerText()).includes('30.00'), 10000, 250)
  const inv = await apiFromPage(page, 'GET', `/admin/invoices/${id}`)
  if (!inv.number || inv.status !== 'open') fail(`the issued draft is ${JSON.stringify(inv)}`)
  console.log(`     draft #${id} issued as ${inv.number}, ${inv.total} ${inv.currency}`)
})

await step('add account credit to the customer; it pays part of an open invoice', async () => {
  await page.locator('[data-test="credit-adjust"]').click()
  const dialog = page.locator('[data-test="credit-dialog"]')
  await dialog.waitFor()
  await field(dialog, 'credit-amount').fill('5.00')
  await field(dialog, 'credit-reason').fill('Sorry for the slow ticket reply')
  await dialog.locator('[data-test="credit-save"]').click()
  await dialog.waitFor({ state: 'hidden' })
  const card = page.locator('[data-test="customer-credit"]')
  await card.locator('[data-test="credit-balance"]', { hasText: '5.00' }).waitFor()
  await card.locator('[data-test="credit-entry"]', { hasText: 'Sorry for the slow ticket reply' }).waitFor()
  // The issued draft is open: the credit pays part of it.
  const open = page.locator('[data-test="customer-invoices"] [data-test="invoice-row"]', { hasText: 'open' }).first()
  await open.locator('[data-test="invoice-pay-from-credit"]').click()
  await page.locator('[data-test="invoice-credit-dialog"] [data-test="invoice-action-confirm"]').click()
  await page.locator('[data-test="invoice-credit-dialog"]').waitFor({ state: 'detached' })
  await page.locator('[data-test="customer-notice"]', { hasText: 'paid from credit' }).waitFor()
  await card.locator('[data-test="credit-none"]').waitFor()
  await card.scrollIntoViewIfNeeded()
})

await step('invite a staff member, give them a role, send the invitation again', async () => {
  await page.locator('[data-test="nav-staff"]').click()
  await page.waitForURL('**/admin/staff')
  await page.locator(`[data-test="staff-row"][data-email="${adminEmail}"]`).waitFor()
  await page.locator('[data-test="staff-invite"]').click()
  const dialog = page.locator('[data-test="staff-invite-dialog"]')
  await dialog.waitFor()
  await field(dialog, 'staff-invite-email').fill('support-e2e@example.test')
  await dialog.locator('[data-test="staff-invite-submit"]').click()
  await dialog.waitFor({ state: 'detached' })
  const row = page.locator('[data-test="staff-row"][data-email="support-e2e@example.test"]')
  await row.locator('[data-test="staff-invited"]').waitFor()
  await row.locator('[data-test="staff-grant"]').click()
  const grant = page.locator('[data-test="staff-role-dialog"]')
  await grant.waitFor()
  await grant.locator('[data-test="staff-role-submit"]').click()
  await grant.waitFor({ state: 'detached' })
  await row.locator('[data-test="staff-role"]', { hasText: 'owner' }).waitFor()
  // The invitation went astray: send another, which the next step opens.
  await row.locator('[data-test="staff-resend"]').click()
  await page.locator('[data-test="staff-confirm-dialog"]').waitFor()
  await page.locator('[data-test="staff-confirm"]').click()
  await page.locator('[data-test="staff-notice"]', { hasText: 'new invitation' }).waitFor()
  await page.locator('[data-test="staff-confirm-dialog"]').waitFor({ state: 'hidden' })
})

await step('the invited member accepts from the invitation email', async () => {
  const invitee = 'support-e2e@example.test'
  const linkIn = (msg) => (msg.Text ?? '').match(/https?:\/\/[^\s"'<>]*reset-password\?token=ezs_inv_[^\s"'<>]+/)?.[0]
  let seen = []
  // Newest first: the invitation sent again.
  const msg = await poll(`two invitation emails to ${invitee} in Mailpit`, async () => {
    const msgs = await emailsTo(invitee)
    seen = msgs.map((m) => `"${m.Subject}"`)
    return msgs.filter(linkIn).length === 2 && msgs.find(linkIn)
  }).catch((e) => fail(`${e.message}; emails seen: ${seen.join(', ') || 'none'}`))
  if (!msg.Text.includes('works for 7 days') || !msg.Text.includes(`${base}/admin`)) {
    fail(`the invitation does not say it works for 7 days and where staff sign in:\n${msg.Text}`)
  }
  // In a browser of their own: the invitee is not the signed-in admin.
  const own = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } })
  const tab = await own.newPage()
  tab.on('pageerror', (e) => consoleErrors.push(String(e)))
  await tab.goto(linkIn(msg))
  await tab.locator('[data-test="reset-password"]', { hasText: 'Choose your password' }).waitFor()
  await field(tab, 'reset-password-new').fill('support e2e password')
  await field(tab, 'reset-password-confirm').fill('support e2e password')
  await tab.locator('[data-test="reset-password-submit"]').click()
  await tab.locator('[data-test="reset-password-done"]', { hasText: 'accepted the invitation' }).waitFor()
  await tab.screenshot({ path: join(shots, `${String(stepNo).padStart(2, '0')}-invitation-accepted.png`), fullPage: true })
  await own.close()
  // Staff see the member as no longer invited.
  await page.reload()
  const row = page.locator('[data-test="staff-row"][data-email="support-e2e@example.test"]')
  await row.waitFor()
  await row.locator('[data-test="staff-invited"]').waitFor({ state: 'detached' })
})

await step('settings: rename the company', async () => {
  await page.locator('[data-test="nav-settings"]').click()
  await page.waitForURL('**/admin/settings**')
  await field(page, 'settings-company-name').fill('EZSCALE Hosting (e2e)')
  await page.locator('[data-test="settings-business-save"]').click()
  await page.locator('[data-test="settings-business-notice"]').waitFor()
  // The payment gateway's credentials test from the connections tab.
  await page.locator('[data-test="settings-tab-connections"]').click()
  await page.locator('[data-test="settings-gateway-test"]').click()
  const result = page.locator('[data-test="settings-gateway-result"]').first()
  await result.waitFor()
  const text = (await result.innerText()).replace(/\s+/g, ' ')
  if (!/sandbox/.test(text) || !/ok/.test(text)) fail(`the gateway test reads ${text}`)
})

await step('suspend the service', async () => {
  await page.locator('[data-test="nav-services"]').click()
  await page.waitForURL('**/admin/services')
  const row = page.locator('[data-test="service-row"]').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${serviceID}$`) }) })
  await row.waitFor()
  await row.locator('[data-test="service-action"]').click()
  await page.locator('[data-test="service-action-dialog"]').waitFor()
  await page.locator('[data-test="service-action-select"]').click()
  await page.getByRole('option', { name: 'suspend', exact: true }).click()
  await field(page, 'service-action-reason').fill('e2e: abuse report')
  await page.locator('[data-test="service-action-submit"]').click()
  await page.locator('[data-test="service-action-dialog"]').waitFor({ state: 'detached' })
  await poll('the service to show suspended', async () => {
    await page.reload()
    const r = page.locator('[data-test="service-row"]').filter({ has: page.locator('td:first-child', { hasText: new RegExp(`^${serviceID}$`) }) })
    await r.waitFor({ timeout: 5000 })
    return (await r.locator('[data-test="status"]').innerText()).trim() === 'suspended'
  }, 20000, 1000)
})

await step('audit log has service.suspend', async () => {
  await page.locator('[data-test="nav-audit"]').click()
  await page.waitForURL('**/admin/audit')
  await field(page, 'audit-filter-action').fill('service.suspend')
  await page.locator('[data-test="audit-search"]').click()
  const entry = page.locator('[data-test="audit-row"]', { hasText: 'service.suspend' }).filter({ hasText: String(serviceID) })
  await entry.first().waitFor()
  console.log(`     ${(await entry.first().innerText()).replace(/\s+/g, ' ')}`)
})

let cdp
let authenticatorId = ''
await step('add a passkey on the Security page (virtual authenticator)', async () => {
  cdp = await staff.newCDPSession(page)
  await cdp.send('WebAuthn.enable')
  ;({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', {
    options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true },
  }))
  await page.locator('[data-test="nav-security"]').click()
  await page.waitForURL('**/admin/security')
  await page.locator('[data-test="no-passkeys"]').waitFor()
  await field(page, 'passkey-name').fill('e2e key')
  await page.locator('[data-test="passkey-add"]').click()
  await page.locator('[data-test="passkey-added"]').waitFor()
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
  if (credentials.length !== 1 || !credentials[0].isResidentCredential) fail(`the virtual authenticator holds ${JSON.stringify(credentials)}`)
  const row = page.locator('[data-test="passkey-row"]')
  await row.filter({ hasText: 'e2e key' }).waitFor()
  if ((await row.count()) !== 1) fail(`${await row.count()} passkeys listed, want 1`)
  // Rename it through its dialog.
  await row.locator('[data-test="passkey-rename"]').click()
  await field(page, 'passkey-rename-name').fill('e2e virtual authenticator')
  await page.locator('[data-test="passkey-rename-save"]').click()
  await page.locator('[data-test="passkey-rename-dialog"]').waitFor({ state: 'detached' })
  await row.locator('[data-test="passkey-row-name"]', { hasText: 'e2e virtual authenticator' }).waitFor()
  if ((await row.locator('[data-test="passkey-row-used"]').innerText()).trim() !== 'never') fail('a new passkey shows a last use')
  console.log(`     passkey #${await row.getAttribute('data-passkey-id')} "${await row.locator('[data-test="passkey-row-name"]').innerText()}"`)
})

await step('sign out, sign in with the passkey', async () => {
  await page.locator('[data-test="sign-out"]').click()
  await page.locator('[data-test="login-email"]').waitFor()
  await page.locator('[data-test="passkey-sign-in"]').click()
  // The admin panel lets the session in without asking for a code.
  await page.locator('[data-test="metric-mrr"]').waitFor()
  await page.locator('[data-test="signed-in-as"]', { hasText: adminEmail }).waitFor()
  if (!/\/admin\/$/.test(page.url())) fail(`after the passkey sign-in the page is ${page.url()}`)
  const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId })
  if (!(credentials[0]?.signCount > 0)) fail(`the virtual authenticator did not sign: ${JSON.stringify(credentials)}`)
  const me = await apiFromPage(page, 'GET', '/auth/me')
  if (!me.second_factor_passed) fail(`a passkey login did not pass the second factor: ${JSON.stringify(me)}`)
  await page.locator('[data-test="nav-security"]').click()
  await page.waitForURL('**/admin/security')
  const used = page.locator('[data-test="passkey-row"] [data-test="passkey-row-used"]')
  await used.waitFor()
  if ((await used.innerText()).trim() === 'never') fail('the passkey does not record its use')
})

await step('sign out, password and the passkey as second factor', async () => {
  await page.locator('[data-test="sign-out"]').click()
  await field(page, 'login-email').fill(adminEmail)
  await field(page, 'login-password').fill(adminPassword)
  await page.locator('[data-test="login-submit"]').click()
  await page.locator('[data-test="second-factor-passkey"]').click()
  await page.locator('[data-test="metric-mrr"]').waitFor()
  await page.locator('[data-test="signed-in-as"]', { hasText: adminEmail }).waitFor()
  await page.locator('[data-test="nav-security"]').click()
  await page.waitForURL('**/admin/security')
})

await step('remove the passkey', async () => {
  await page.locator('[data-test="passkey-row"] [data-test="passkey-remove"]').click()
  await page.locator('[data-test="passkey-remove-dialog"]').waitFor()
  await page.locator('[data-test="passkey-remove-cancel"]').click()
  await page.locator('[data-test="passkey-remove-dialog"]').waitFor({ state: 'detached' })
  if ((await page.locator('[data-test="passkey-row"]').count()) !== 1) fail('cancelling the removal removed the passkey')
  await page.locator('[data-test="passkey-row"] [data-test="passkey-remove"]').click()
  await page.locator('[data-test="passkey-remove-dialog"]').waitFor()
  await page.locator('[data-test="passkey-remove-confirm"]').click()
  await page.locator('[data-test="passkey-remove-dialog"]').waitFor({ state: 'detached' })
  await page.locator('[data-test="no-passkeys"]').waitFor()
})

await step('remove the authenticator app', async () => {
  await page.locator('[data-test="security-totp-remove"]').click()
  await page.locator('[data-test="security-totp-remove-dialog"]').waitFor()
  await page.locator('[data-test="security-totp-remove-confirm"]').click()
  await page.locator('[data-test="security-totp-remove-dialog"]').waitFor({ state: 'detached' })
  await page.locator('[data-test="security-totp-status"]', { hasText: 'off' }).waitFor()
  await page.locator('[data-test="security-totp-setup"]').waitFor()
})

await browser.close()
console.log(`e2e: all ${stepNo} steps passed in ${((Date.now() - started) / 1000).toFixed(1)}s; screenshots in ${shots}`)
