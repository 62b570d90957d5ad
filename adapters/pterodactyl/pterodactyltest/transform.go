package pterodactyltest

import (
	"net/http"
	"sort"
	"strconv"
)

// The attributes below are those of the panel's application transformers
// (UserTransformer, ServerTransformer, AllocationTransformer,
// EggTransformer, EggVariableTransformer).

func (u *user) item() item {
	return item{Object: "user", Attributes: map[string]any{
		"id": u.id, "external_id": u.externalID, "uuid": u.uuid, "username": u.username, "email": u.email,
		"first_name": u.first, "last_name": u.last, "language": "en", "root_admin": u.rootAdmin, "2fa": false,
		"created_at": u.createdAt, "updated_at": u.createdAt,
	}}
}

func (a *allocation) item() item {
	return item{Object: "allocation", Attributes: map[string]any{
		"id": a.id, "ip": a.ip, "alias": nil, "port": a.port, "notes": nil, "assigned": a.server != 0,
	}}
}

// serverItem renders a server with the relationships the request's
// ?include= names (allocations, user). It must be called with s.mu held.
func (s *Server) serverItem(sv *server, r *http.Request) item {
	env := map[string]any{}
	for k, v := range sv.environment {
		env[k] = v
	}
	env["STARTUP"] = sv.startup
	env["P_SERVER_UUID"] = sv.uuid
	attrs := map[string]any{
		"id": sv.id, "external_id": sv.externalID, "uuid": sv.uuid, "identifier": sv.identifier,
		"name": sv.name, "description": sv.description, "status": sv.status,
		"suspended": sv.status != nil && *sv.status == statusSuspended,
		"limits": map[string]any{"memory": sv.limits.Memory, "swap": sv.limits.Swap, "disk": sv.limits.Disk,
			"io": sv.limits.IO, "cpu": sv.limits.CPU, "threads": sv.limits.Threads, "oom_disabled": true},
		"feature_limits": map[string]any{"databases": sv.features.Databases, "allocations": sv.features.Allocations,
			"backups": sv.features.Backups},
		"user": sv.owner, "node": sv.node, "allocation": sv.allocation, "nest": sv.nest, "egg": sv.egg,
		"container": map[string]any{"startup_command": sv.startup, "image": sv.image,
			"installed": boolInt(sv.status == nil || *sv.status != statusInstalling), "environment": env},
		"updated_at": sv.createdAt, "created_at": sv.createdAt,
	}
	relationships := map[string]any{}
	if includes(r, "allocations") {
		data := []item{}
		for _, a := range s.serverAllocations(sv.id) {
			data = append(data, a.item())
		}
		relationships["allocations"] = list{Object: "list", Data: data}
	}
	if includes(r, "user") {
		relationships["user"] = s.users[sv.owner].item()
	}
	if len(relationships) > 0 {
		attrs["relationships"] = relationships
	}
	return item{Object: "server", Attributes: attrs}
}

// serverAllocations returns a server's allocations by id. It must be
// called with s.mu held.
func (s *Server) serverAllocations(serverID int) []*allocation {
	var out []*allocation
	for _, a := range s.allocations {
		if a.server == serverID {
			out = append(out, a)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

func (e *egg) item(withVariables bool) item {
	attrs := map[string]any{
		"id": e.id, "uuid": newUUID(), "name": e.name, "nest": e.nest, "author": "support@pterodactyl.io",
		"description": e.name, "docker_image": e.image, "docker_images": map[string]string{"Java 17": e.image},
		"startup": e.startup, "created_at": timestamp(), "updated_at": timestamp(),
	}
	if withVariables {
		data := []item{}
		for i, v := range e.variables {
			rules := "nullable|string|max:" + strconv.Itoa(v.maxLen)
			if v.required {
				rules = "required|string|max:" + strconv.Itoa(v.maxLen)
			}
			data = append(data, item{Object: "egg_variable", Attributes: map[string]any{
				"id": e.id*100 + i, "egg_id": e.id, "name": v.name, "description": v.name, "env_variable": v.env,
				"default_value": v.def, "user_viewable": true, "user_editable": true, "rules": rules,
			}})
		}
		attrs["relationships"] = map[string]any{"variables": list{Object: "list", Data: data}}
	}
	return item{Object: "egg", Attributes: attrs}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
