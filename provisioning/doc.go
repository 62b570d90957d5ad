// Package provisioning is the domain of hosted services: the servers, game
// servers and hosting accounts that subscriptions pay for. It holds the
// service lifecycle state machine, the Panel port every control panel
// adapter (VirtFusion, Pterodactyl, SynergyCP, Enhance, the sandbox)
// implements, and the provisioning log that records each call to a panel.
//
// The package is pure: it imports only the standard library and the
// platform kernel. Panel adapters live under adapters/ and import it.
package provisioning
