package pterodactyltest

import (
	"crypto/rand"
	"fmt"
	"time"
)

// user is a panel account.
type user struct {
	id                                 int
	externalID                         *string
	uuid, username, email, first, last string
	password                           string
	rootAdmin                          bool
	createdAt                          string
}

// server is a game server. status is nil once installed, or "installing"
// or "suspended", the panel's states the fake uses.
type server struct {
	id                      int
	externalID              *string
	uuid, identifier, name  string
	description             *string
	status                  *string
	limits                  Limits
	features                FeatureLimits
	owner, node, allocation int
	nest, egg               int
	image, startup          string
	environment             map[string]string
	startOnCompletion       bool
	// running is Wings' view of the container: true while it runs.
	running   bool
	createdAt string
}

// Limits are a server's build limits as the panel stores them: MB, MB
// (-1 unlimited swap), MB, block IO weight 10-1000 and CPU percent (100 is
// one core, 0 unlimited).
type Limits struct {
	Memory, Swap, Disk, IO, CPU int64
	Threads                     *string
}

// FeatureLimits are how many databases, extra allocations and backups the
// server's users may create; nil where the request sent null or nothing.
type FeatureLimits struct {
	Databases, Allocations, Backups *int64
}

// node is a Wings machine in a location, owning allocations.
type node struct {
	id, location int
}

// allocation is an IP and port on a node, assigned to at most one server.
type allocation struct {
	id, node int
	ip       string
	port     int
	server   int // 0 when free
}

// egg is a server type: its image, startup command and variables.
type egg struct {
	id, nest    int
	name, image string
	startup     string
	variables   []eggVariable
}

// eggVariable is an environment variable an egg declares, with the panel's
// validation rules for its value.
type eggVariable struct {
	name, env, def string
	required       bool
	maxLen         int
}

func (s *Server) seed() {
	admin := &user{id: s.nextID("user"), uuid: newUUID(), username: "admin", email: "admin@example.com",
		first: "Panel", last: "Admin", rootAdmin: true, createdAt: timestamp()}
	s.users[admin.id] = admin
	n := &node{id: s.nextID("node"), location: DefaultLocation}
	s.nodes[n.id] = n
	s.addAllocations(n.id, "203.0.113.10", 25565, 120)
	jar := eggVariable{name: "Server Jar File", env: "SERVER_JARFILE", def: "server.jar", required: true, maxLen: 20}
	s.eggs[PaperEgg] = &egg{id: PaperEgg, nest: MinecraftNest, name: "Paper", image: "ghcr.io/pterodactyl/yolks:java_17",
		startup: "java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}",
		variables: []eggVariable{jar,
			{name: "Minecraft Version", env: "MINECRAFT_VERSION", def: "latest", maxLen: 20},
			{name: "Build Number", env: "BUILD_NUMBER", def: "latest", required: true, maxLen: 20}}}
	s.eggs[VanillaEgg] = &egg{id: VanillaEgg, nest: MinecraftNest, name: "Vanilla Minecraft", image: "ghcr.io/pterodactyl/yolks:java_17",
		startup:   "java -Xms128M -Xmx{{SERVER_MEMORY}}M -jar {{SERVER_JARFILE}}",
		variables: []eggVariable{jar, {name: "Server Version", env: "VANILLA_VERSION", def: "latest", required: true, maxLen: 20}}}
}

// addAllocations adds count consecutive ports on ip to a node. It must be
// called with s.mu held.
func (s *Server) addAllocations(nodeID int, ip string, firstPort, count int) {
	for p := firstPort; p < firstPort+count; p++ {
		id := s.nextID("allocation")
		s.allocations[id] = &allocation{id: id, node: nodeID, ip: ip, port: p}
	}
}

func newUUID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}

func timestamp() string { return time.Now().UTC().Format("2006-01-02T15:04:05+00:00") }
