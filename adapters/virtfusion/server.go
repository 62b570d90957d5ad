package virtfusion

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
)

// server is the part of VirtFusion's server object the adapter reads, from
// GET /servers/{id}, POST /servers and POST /servers/{id}/build.
type server struct {
	ID          int64  `json:"id"`
	Name        string `json:"name"`
	Suspended   bool   `json:"suspended"`
	BuildFailed bool   `json:"buildFailed"`
	// Built is the build time; null or empty until the OS is installed.
	Built    json.RawMessage `json:"built"`
	Settings struct {
		OSTemplateInstall bool `json:"osTemplateInstall"`
		// DecryptedPassword is the root password; only the build
		// answer carries it.
		DecryptedPassword string `json:"decryptedPassword"`
		Resources         struct {
			Memory   int64 `json:"memory"`  // MB
			Storage  int64 `json:"storage"` // GB
			Traffic  int64 `json:"traffic"` // GB, 0 unlimited
			CPUCores int64 `json:"cpuCores"`
		} `json:"resources"`
	} `json:"settings"`
	Network struct {
		Interfaces []networkInterface `json:"interfaces"`
	} `json:"network"`
	Owner struct {
		ID int64 `json:"id"`
		// ExtRelationID is nullable and, like every byExtRelation path
		// parameter, documented loosely; kept raw and read by
		// extRelation.
		ExtRelationID json.RawMessage `json:"extRelationId"`
	} `json:"owner"`
	// RemoteState is the live hypervisor view when asked for with
	// ?remoteState=true, and false otherwise.
	RemoteState json.RawMessage `json:"remoteState"`
}

type networkInterface struct {
	IPv4 []struct {
		Address string `json:"address"`
	} `json:"ipv4"`
	IPv6 []struct {
		Subnet string `json:"subnet"`
		CIDR   int    `json:"cidr"`
		// Addresses is documented only as an array; read as strings
		// when it is one.
		Addresses json.RawMessage `json:"addresses"`
	} `json:"ipv6"`
}

// built reports whether VirtFusion has built the server or is building it,
// so building it again would reinstall it.
func (s server) built() bool {
	b := bytes.TrimSpace(s.Built)
	unset := len(b) == 0 || string(b) == "null" || string(b) == `""` || string(b) == "false"
	return !unset || s.Settings.OSTemplateInstall
}

// ipv4 lists the addresses of the primary interface.
func (s server) ipv4() []string {
	if len(s.Network.Interfaces) == 0 {
		return nil
	}
	var out []string
	for _, a := range s.Network.Interfaces[0].IPv4 {
		out = append(out, a.Address)
	}
	return out
}

// ipv6 is the primary interface's first IPv6 address, or its first subnet
// in CIDR notation when no single address is listed.
func (s server) ipv6() string {
	if len(s.Network.Interfaces) == 0 || len(s.Network.Interfaces[0].IPv6) == 0 {
		return ""
	}
	block := s.Network.Interfaces[0].IPv6[0]
	var addrs []string
	if json.Unmarshal(block.Addresses, &addrs) == nil && len(addrs) > 0 {
		return addrs[0]
	}
	if block.Subnet == "" {
		return ""
	}
	return block.Subnet + "/" + strconv.Itoa(block.CIDR)
}

// extRelation is the owner's extRelationId as the path segment the
// byExtRelation endpoints take, or "" when the owner has none.
func (s server) extRelation() string {
	var n json.Number
	if json.Unmarshal(s.Owner.ExtRelationID, &n) == nil {
		return n.String()
	}
	var str string
	if json.Unmarshal(s.Owner.ExtRelationID, &str) == nil {
		return str
	}
	return ""
}

// getServer reads a server; remote adds the live hypervisor state, which
// costs VirtFusion a round trip to the hypervisor.
func (p *Panel) getServer(ctx context.Context, id int64, remote bool) (server, error) {
	var q url.Values
	if remote {
		q = url.Values{"remoteState": {"true"}}
	}
	var res envelope[server]
	err := p.call(ctx, "get server "+strconv.FormatInt(id, 10), http.MethodGet, serverPath(id), q, nil, &res)
	return res.Data, err
}
