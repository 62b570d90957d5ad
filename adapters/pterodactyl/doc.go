// Package pterodactyl is the provisioning.Panel adapter for Pterodactyl
// Panel 1.x, which runs game servers in containers on Wings nodes.
//
// The panel has two APIs, each with its own Bearer key. The Application
// API (an admin's ptla_ key) makes users and servers, suspends, deletes
// and changes builds; the Client API (ptlc_ key of a root administrator)
// is the only place for live resource figures and power signals, and
// refuses the application key. Requests send
// Accept: Application/vnd.pterodactyl.v1+json; answers are Fractal
// envelopes ({"object":...,"attributes":...}, paginated lists) and errors
// {"errors":[{"code","status","detail","meta":{"source_field"}}]}, turned
// into platform codes in one place (translate).
//
// Pterodactyl has no plans. Config.Plans maps each of our plan codes to an
// egg (nest and egg ids, optional image, startup and variables over the
// egg's own), limits, feature limits and a placement: deploy to locations,
// or a free allocation on a node. Configurable options (memory_mb,
// disk_mb, cpu_percent, databases, backups, ...) override the plan's
// limits. A server's external_id is our service id and a user's is our
// customer id, as in the panel's WHMCS module, so retried creates, and
// servers WHMCS made before the migration, are found rather than made
// again.
//
// Sources: pterodactyl/panel 1.x — routes/api-application.php,
// routes/api-client.php, StoreServerRequest,
// UpdateServerBuildConfigurationRequest, StoreUserRequest, the validation
// rules in app/Models/Server.php and User.php, SendPowerRequest,
// AuthenticateServerAccess and ServerStateConflictException,
// RequireClientApiKey, ApplicationApiRequest, app/Exceptions/Handler.php,
// the application transformers and the client StatsTransformer; and the
// panel's WHMCS module (pterodactyl.php), for how an integration finds
// users, eggs and servers. Package pterodactyltest is a stateful fake of
// both APIs for tests.
package pterodactyl
