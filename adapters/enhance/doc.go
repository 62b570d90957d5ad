// Package enhance is the provisioning.Panel adapter for the Enhance control
// panel (web hosting), over its orchestrator API (orchd) with the standard
// library's HTTP client.
//
// Sources: orchd's OpenAPI spec (https://apidocs.enhance.com, served as
// https://apidocs.enhance.com/spec/oas3-api.yaml and vendored as
// open-api.yml in github.com/upmind/enhance-sdk-php), and two real
// provisioners: upmind-automation/provision-provider-shared-hosting
// (src/Enhance/Provider.php) and Paymenter (extensions/Servers/Enhance).
//
// Every call carries the access token as a bearer token, and most name the
// master (or reseller) organisation that owns the token, Config.OrgID.
// A hosting service is three things in Enhance:
//
//   - a customer organisation under the master organisation, whose owner is
//     a login with the customer's email and the platform's first password;
//   - a subscription of that customer to a plan (the plan code is the
//     Enhance plan id), the billable unit that is suspended, moved to
//     another plan and deleted (deleting it deletes its websites);
//   - a website on the subscription with the order's domain.
//
// The resource's external id is "<customer org id>:<subscription id>",
// because orchd addresses a subscription under its subscriber's
// organisation.
//
// Enhance has no external-id field and no idempotency key, so Create finds
// what an earlier attempt made before it makes anything: the customer by
// the owner email of the master organisation's customers (a login's email
// is unique in the panel's realm: orchd answers 409 to a second one), the
// subscription by
// its friendly name, SubscriptionName(service id), among that customer's
// live subscriptions, and the website by subscription. The friendly name is
// kept on the subscription rather than matching the domain because the
// subscription is the service, one domain may be ordered again after a
// cancellation, and a customer may change the website's domain. When
// making the login fails, the new customer organisation is deleted again.
//
// Shared hosting has no power state: Power checks that the subscription
// exists and does nothing else. Disabling a website is what suspension is
// for, and the only restart orchd documents is a server-wide service
// restart that would hit every customer on the server.
//
// Package enhancetest is a stateful fake of the API for tests.
package enhance
