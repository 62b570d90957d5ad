// Package ui serves the customer dashboard ("account") and the admin panel
// ("admin"): one Vue single-page app whose build, made from apps/web/ui by
// scripts/build-ui.sh and committed under dist, is embedded in the binary.
//
// The build's files live under /_ui/ on every host, so one build serves
// both areas whether they sit under a path prefix (/account/ on
// localhost) or on a host name of their own. Every other GET is a page of
// the app: index.html, into which the handler writes the area and the
// router's base path.
package ui
