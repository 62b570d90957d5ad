// Package synergycp is the provisioning.Panel adapter for SynergyCP, the
// bare-metal (dedicated server) control panel, over its HTTP API with the
// standard library.
//
// SynergyCP publishes no API reference; the requests and responses here
// follow its official clients, which are the documentation:
//
//   - github.com/synergycp/scp-php-api @653c7fb: src/Api/Api.php (the key
//     query parameter, JSON bodies), ApiResponse.php (any error !== false
//     is a failure), Pagination/ApiPaginator.php (page, per_page →
//     data{data, current_page, last_page}), ApiSingleSignOn.php (auth/sso),
//     Server/*.php (access suspension, auto wipe, data.ignored).
//   - github.com/synergycp/scp-whmcs-integration @3fd98ba:
//     Server/Provision/ServerProvisioner.php (inventory search by part
//     billing ids, POST server/provision with billing.id), ServerService.php
//     (lookup by billing_id), Client/ClientService.php, Whmcs/WhmcsEvents.php
//     (suspend, unsuspend, terminate by wiping), Whmcs/WhmcsButtons.php (SSO
//     with a client-owned key, IPMI power through server/{id}/control),
//     Server/Usage/UsageUpdater.php (usage in bits, integration_id=me).
//   - github.com/synergycp/scp-theme-admin: hardware/server/assign (the
//     server's access object, PATCH server/{id} billing.max_bandwidth).
//
// SynergyCP sells machines out of an inventory rather than creating them.
// A plan (Config.Plans) is the billing ids of a machine's parts and IP
// group plus provisioning settings; Create takes a free machine matching
// them, or the machine staff assigned, and reports ENEEDSHARDWARE when the
// inventory has none, so the order waits for staff. Terminate wipes the
// machine back into the inventory. Because machines are sold again, the
// ExternalID carries the service id next to the server id and every call
// checks the server still belongs to the service.
//
// Package synergycptest is a stateful fake of the API for tests.
package synergycp
