// Package synergycptest is a stateful fake of the SynergyCP API on an
// httptest server, for tests of code that provisions dedicated servers on
// SynergyCP. It follows the requests and responses of SynergyCP's official
// PHP client (github.com/synergycp/scp-php-api) and WHMCS integration
// (github.com/synergycp/scp-whmcs-integration) closely enough that a wrong
// request fails:
//
//   - the API key travels as the key query parameter; a missing or unknown
//     key gets a 401 envelope, a client-owned key used outside the client's
//     own servers a 403;
//   - every answer is the envelope {"error": false|"message", "messages":
//     [{"text": ...}], "data": ...}; lists are paginated (page, per_page →
//     data{data, current_page, last_page, total}) and filtered by
//     PHP-style query arrays (disks_billing[]=..., parts[exact]=1);
//   - writes need Content-Type: application/json and a JSON object body
//     whose fields are checked (a missing or unknown field is a 422);
//   - servers live in an inventory of hardware described by part billing
//     ids: provisioning takes a free server, wiping returns it to the
//     inventory, and suspension is the is_active flag of the server's
//     primary access.
//
// The fake also models the one refusal the WHMCS module handles: an
// automatic ("auto": true) suspension or wipe of a VIP client's server is
// ignored, answered with an error envelope whose data.ignored is true, at
// HTTP 200, so a client that trusts the status code alone is caught.
//
// Test hooks play the panel admin's side: stock the inventory (free or
// taken servers), mark a client VIP, set bandwidth usage, delete a server,
// and read the panel's state and the requests it received.
package synergycptest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
)

// APIKey is the admin API key a new Server accepts.
const APIKey = "fake-synergycp-admin-key"

// Hardware is a server's parts and location as SynergyCP's inventory
// filters see them: the billing ids configured on its memory, CPU, disk and
// add-on parts and on its IP group.
type Hardware struct {
	Mem, CPU string
	Disks    []string
	Addons   []string
	IPGroup  string
}

// DefaultHardware is the machine a new Server has DefaultStock of, free.
var DefaultHardware = Hardware{
	Mem: "MEM-32GB", CPU: "CPU-E3-1270V6", Disks: []string{"SSD-480GB"}, IPGroup: "LAX",
}

// DefaultStock is how many free DefaultHardware servers a new Server has.
const DefaultStock = 8

// The billing ids of the OS install profiles, port speeds and IP
// allocations the fake panel offers; provisioning with any other is a 422.
var (
	PXEProfiles   = []string{"debian-12", "ubuntu-24.04", "almalinux-9"}
	PortSpeeds    = []string{"1gbps", "10gbps"}
	IPAllocations = []string{"ipv4-1", "ipv4-29"}
)

// Server is the fake SynergyCP API. Its zero value is not usable; call New.
type Server struct {
	// URL is the API base URL to give the client, like
	// https://api.synergycp.example.
	URL string

	srv *httptest.Server

	mu       sync.Mutex
	seq      int64
	clients  map[int64]*client
	servers  map[int64]*server
	keys     map[string]int64 // client-owned API key → client id
	requests []Request
}

type client struct {
	id                 int64
	email, first, last string
	billingID          string
	vip                bool
}

type server struct {
	id       int64
	hardware Hardware
	nickname string
	// billingID and maxBandwidth are the billing fields set at provision.
	billingID, maxBandwidth string
	access                  *access
	os, portSpeed, ips      string
	power                   string // "on" or "off"
	usedBits, maxBits       int64
	controlID               int64
	ipv4, ipv6              string
}

// access is a server's primary access: who may use it and whether they
// are suspended.
type access struct {
	id                     int64
	clientID               int64
	active                 bool
	pxe, ipmi, switchPorts bool
	suspensionReason       string
}

// Request is one request the fake received, for tests that check what a
// client sent. Body is the decoded JSON body of a write, nil for a GET.
type Request struct {
	Method, Path string
	Query        map[string][]string
	Body         map[string]any
}

// New starts a fake SynergyCP on a loopback port, stocked with
// DefaultStock free DefaultHardware servers, and stops it when the test
// ends.
func New(t testing.TB) *Server {
	t.Helper()
	s := &Server{
		clients: map[int64]*client{},
		servers: map[int64]*server{},
		keys:    map[string]int64{},
	}
	s.srv = httptest.NewServer(s.routes())
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	for range DefaultStock {
		s.AddServer(DefaultHardware)
	}
	return s
}

// nextID returns a fresh id; callers hold s.mu.
func (s *Server) nextID() int64 {
	s.seq++
	return s.seq
}

// routes maps SynergyCP's resource paths to handlers.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /server", s.admin(s.listServers))
	mux.HandleFunc("GET /server/{id}", s.admin(s.showServer))
	mux.HandleFunc("PATCH /server/{id}", s.admin(s.patchServer))
	mux.HandleFunc("POST /server/provision", s.admin(s.provision))
	mux.HandleFunc("PATCH /server/{id}/access/{access}", s.admin(s.patchAccess))
	mux.HandleFunc("GET /server/{id}/control", s.serverUser(s.listControls))
	mux.HandleFunc("POST /server/{id}/control/{control}/command", s.serverUser(s.controlCommand))
	mux.HandleFunc("GET /entity", s.admin(s.listEntities))
	mux.HandleFunc("GET /client", s.admin(s.listClients))
	mux.HandleFunc("POST /client", s.admin(s.createClient))
	mux.HandleFunc("POST /key", s.admin(s.createKey))
	mux.HandleFunc("GET /auth/sso", s.singleSignOn)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fail(w, http.StatusNotFound, fmt.Sprintf("No route for %s %s.", r.Method, r.URL.Path))
	})
	return mux
}
