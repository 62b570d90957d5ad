package pterodactyl

import (
	"context"
	"net/http"
	"net/url"
	"strconv"

	"ezscale.cloud/platform"
)

// The attributes of the panel's objects that the adapter reads, as the
// application transformers (ServerTransformer, UserTransformer,
// AllocationTransformer, EggTransformer) and the client StatsTransformer
// render them.

type serverObject struct {
	ID         int     `json:"id"`
	ExternalID *string `json:"external_id"`
	Identifier string  `json:"identifier"`
	// Status is null once installed, or installing, install_failed,
	// reinstall_failed, suspended or restoring_backup.
	Status     *string `json:"status"`
	Allocation int     `json:"allocation"`
	Egg        int     `json:"egg"`
	Limits     struct {
		CPU int64 `json:"cpu"`
	} `json:"limits"`
	Relationships struct {
		Allocations struct {
			Data []item[allocationObject] `json:"data"`
		} `json:"allocations"`
		User item[userObject] `json:"user"`
	} `json:"relationships"`
}

type userObject struct {
	ID         int     `json:"id"`
	ExternalID *string `json:"external_id"`
	Username   string  `json:"username"`
	Email      string  `json:"email"`
}

type allocationObject struct {
	ID       int    `json:"id"`
	IP       string `json:"ip"`
	Port     int    `json:"port"`
	Assigned bool   `json:"assigned"`
}

type eggObject struct {
	DockerImage   string `json:"docker_image"`
	Startup       string `json:"startup"`
	Relationships struct {
		Variables struct {
			Data []item[struct {
				EnvVariable  string `json:"env_variable"`
				DefaultValue string `json:"default_value"`
			}] `json:"data"`
		} `json:"variables"`
	} `json:"relationships"`
}

type statsObject struct {
	CurrentState string `json:"current_state"`
	Resources    struct {
		MemoryBytes    int64   `json:"memory_bytes"`
		CPUAbsolute    float64 `json:"cpu_absolute"`
		DiskBytes      int64   `json:"disk_bytes"`
		NetworkRXBytes int64   `json:"network_rx_bytes"`
		NetworkTXBytes int64   `json:"network_tx_bytes"`
	} `json:"resources"`
}

// serverIncludes asks the panel to include a server's allocations and
// owner, which Create reports.
var serverIncludes = url.Values{"include": {"allocations,user"}}

// server reads a server by the panel's id, which is our external id.
func (p *Panel) server(ctx context.Context, externalID string) (serverObject, error) {
	path, err := serverPath(externalID)
	if err != nil {
		return serverObject{}, err
	}
	var it item[serverObject]
	err = p.call(ctx, application, http.MethodGet, path, serverIncludes, nil, &it, "get server "+externalID)
	return it.Attributes, err
}

// serverPath returns the application API path of a server. Our external
// ids are the panel's numeric server ids; anything else names no server,
// and must not reach the panel, where an empty id would read the list of
// all servers.
func serverPath(externalID string) (string, error) {
	if n, err := strconv.Atoi(externalID); err != nil || n <= 0 {
		return "", platform.Errorf(platform.ENOTFOUND, "pterodactyl has no server %q: server ids are positive integers", externalID)
	}
	return "/api/application/servers/" + externalID, nil
}
