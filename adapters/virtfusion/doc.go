// Package virtfusion is the VirtFusion control panel adapter: it provisions
// VPSes through VirtFusion's REST API (https://<panel>/api/v1, bearer
// token) and implements provisioning.Panel.
//
// How the platform maps onto VirtFusion:
//
//   - Customers become VirtFusion users found by extRelationId = our
//     customer id (GET /users/{id}/byExtRelation, 404 → POST /users), as the
//     WHMCS module and Paymenter do, so we never store VirtFusion's user id.
//   - A service is a server created from a package (PlanCode is the package
//     id) on a hypervisor group (Config.HypervisorGroupID unless the
//     "hypervisor_group" option says otherwise), then built with an OS
//     template (OSTemplate is the template id). Configurable options map to
//     the documented server-create fields; see the Option constants.
//   - VirtFusion servers carry no external id and POST /servers takes no
//     idempotency key, so the adapter names every server after our service
//     id (ServerName) right after creating it, and Create first looks for a
//     server of that name among the customer's servers (GET
//     /servers/user/{userId}). A server whose naming fails is deleted at
//     once, so only a crash between those two calls can leave a duplicate.
//     A customer who renames the server on the panel only affects a create
//     that is retried after the rename.
//   - The build endpoint takes no password: the root password VirtFusion
//     generates (settings.decryptedPassword of the build answer) is
//     returned instead of CreateRequest.Password. When a retried create
//     finds a server that an earlier attempt already built, it cannot read
//     that password back, so it resets the root password (POST
//     /servers/{id}/resetPassword) and returns the new one.
//   - Terminate deletes with the documented delay (Config.DeleteDelay), the
//     grace period in which staff can undo it on the panel; a server the
//     panel no longer has counts as terminated.
//   - LoginURL asks for one-time server login tokens and joins
//     endpoint_complete to the panel address, refusing a link to any other
//     host (an open-redirect guard copied from the WHMCS module).
//   - Status reads the live hypervisor state (?remoteState=true) and the
//     current month of GET /servers/{id}/traffic.
//
// Sources: the VirtFusion API reference generated from VirtFusion's OpenAPI
// 3.0.1 spec (EZSCALE/virtfusion-php API_REFERENCE.md, VirtFusion 6.2;
// https://docs.virtfusion.com/api/), the production WHMCS module
// (EZSCALE/virtfusion-whmcs-module: lib/ModuleFunctions.php,
// lib/ConfigureService.php, lib/Module.php, lib/UsageUpdater.php) for real
// status codes and bodies, and Paymenter's extension
// (extensions/Servers/Virtfusion/Virtfusion.php). Package virtfusiontest is
// a stateful fake of the API for tests.
package virtfusion
