package pterodactyltest

import (
	"net/http"
	"strconv"
)

// The panel's server states that the fake uses (Server::STATUS_*); an
// installed, running or stopped server has no status.
const (
	statusInstalling = "installing"
	statusSuspended  = "suspended"
)

// serverFor returns the server the {id} path value names, or writes the
// panel's 404. It must be called with s.mu held.
func (s *Server) serverFor(w http.ResponseWriter, r *http.Request) *server {
	id, _ := strconv.Atoi(r.PathValue("id"))
	if sv := s.servers[id]; sv != nil {
		return sv
	}
	writeError(w, notFound("NotFoundHttpException", ""))
	return nil
}

// getServer is GET /api/application/servers/{id}.
func (s *Server) getServer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sv := s.serverFor(w, r); sv != nil {
		writeJSON(w, http.StatusOK, s.serverItem(sv, r))
	}
}

// getExternalServer is GET /api/application/servers/external/{external_id}.
func (s *Server) getExternalServer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sv := s.serverByExternalID(r.PathValue("external_id")); sv != nil {
		writeJSON(w, http.StatusOK, s.serverItem(sv, r))
		return
	}
	writeError(w, notFound("NotFoundHttpException", ""))
}

// serverByExternalID must be called with s.mu held.
func (s *Server) serverByExternalID(externalID string) *server {
	for _, sv := range s.servers {
		if sv.externalID != nil && *sv.externalID == externalID {
			return sv
		}
	}
	return nil
}

// createServer is POST /api/application/servers: StoreServerRequest's
// rules, then the egg's variable rules, then placement on the named
// allocation or by deploy, as ServerCreationService does.
func (s *Server) createServer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	v := &validator{in: input(r)}
	s.serverCreationRules(v)
	if v.failed() {
		writeError(w, v.errors...)
		return
	}
	eg := s.eggs[int(must(v.in.integer("egg")))]
	env := eggEnvironment(v, eg)
	if v.failed() {
		writeError(w, v.errors...)
		return
	}
	allocs, e := s.place(v.in)
	if e != nil {
		writeError(w, e)
		return
	}
	sv := &server{id: s.nextID("server"), uuid: newUUID(), name: v.in.str("name"),
		status: ptr(statusInstalling), limits: limitsOf(v.in.object("limits")), features: featureLimitsOf(v.in.object("feature_limits")),
		owner: int(must(v.in.integer("user"))), node: allocs[0].node, allocation: allocs[0].id, nest: eg.nest, egg: eg.id,
		image: v.in.str("docker_image"), startup: v.in.str("startup"), environment: env, createdAt: timestamp()}
	sv.identifier = sv.uuid[:8]
	sv.startOnCompletion, _ = v.in.boolean("start_on_completion")
	if ext := v.in.str("external_id"); ext != "" {
		sv.externalID = &ext
	}
	if d := v.in.str("description"); d != "" {
		sv.description = &d
	}
	for _, a := range allocs {
		a.server = sv.id
	}
	s.servers[sv.id] = sv
	if !s.holdInstalls {
		sv.finishInstall()
	}
	writeJSON(w, http.StatusCreated, s.serverItem(sv, r))
}

// serverCreationRules applies StoreServerRequest's rules. It must be
// called with s.mu held.
func (s *Server) serverCreationRules(v *validator) {
	if e, ok := v.in.get("external_id"); ok && e != nil {
		v.str("external_id", 191)
		if s.serverByExternalID(v.in.str("external_id")) != nil {
			v.fail("external_id", "unique", "The external id has already been taken.")
		}
	}
	if v.required("name") {
		v.str("name", 191)
	}
	if v.required("user") {
		if id, ok := v.in.integer("user"); !ok || s.users[int(id)] == nil {
			v.fail("user", "exists", "The selected user is invalid.")
		}
	}
	if v.required("egg") {
		if id, ok := v.in.integer("egg"); !ok || s.eggs[int(id)] == nil {
			v.fail("egg", "exists", "The selected egg is invalid.")
		}
	}
	if v.required("docker_image") {
		v.str("docker_image", 191)
	}
	if v.required("startup") {
		v.str("startup", 0)
	}
	if !v.present("environment") {
		v.fail("environment", "present", "The environment field must be present.")
	} else if env, _ := v.in.get("environment"); !isArray(env) {
		v.fail("environment", "array", "The environment must be an array.")
	}
	for _, f := range []string{"skip_scripts", "oom_disabled", "start_on_completion"} {
		if v.present(f) {
			if _, ok := v.in.boolean(f); !ok {
				v.fail(f, "boolean", "The %s field must be true or false.", f)
			}
		}
	}
	if v.required("limits") && v.object("limits") {
		v.limitRules("limits.")
	}
	v.featureLimitRules()
	if v.present("deploy") {
		deployRules(v)
	} else if v.required("allocation.default") {
		s.freeAllocationRule(v, "allocation.default")
	}
}

// deployRules checks the deploy object: locations and port_range present
// as lists, dedicated_ip a boolean.
func deployRules(v *validator) {
	if !v.required("deploy") || !v.object("deploy") {
		return
	}
	if !v.present("deploy.locations") {
		v.fail("deploy.locations", "present", "The deploy.locations field must be present.")
	} else if ids, ok := v.in.ints("deploy.locations"); !ok {
		v.fail("deploy.locations", "array", "The deploy.locations must be an array of integers.")
	} else {
		for _, id := range ids {
			if id < 1 {
				v.fail("deploy.locations", "min", "The deploy.locations.* must be at least 1.")
			}
		}
	}
	if v.required("deploy.dedicated_ip") {
		if _, ok := v.in.boolean("deploy.dedicated_ip"); !ok {
			v.fail("deploy.dedicated_ip", "boolean", "The deploy.dedicated_ip field must be true or false.")
		}
	}
	if !v.present("deploy.port_range") {
		v.fail("deploy.port_range", "present", "The deploy.port_range field must be present.")
	} else if _, ok := v.in.strs("deploy.port_range"); !ok {
		v.fail("deploy.port_range", "array", "The deploy.port_range must be an array of strings.")
	}
}

// eggEnvironment checks the environment against the egg's variable rules
// (VariableValidatorService) and returns each variable's value, the
// default where none was given.
func eggEnvironment(v *validator, eg *egg) map[string]string {
	env := map[string]string{}
	for _, ev := range eg.variables {
		field := "environment." + ev.env
		val, given := v.in.get(field)
		s, isString := val.(string)
		switch {
		case ev.required && (!given || val == nil || s == "" && isString):
			v.fail(field, "required", "The %s variable field is required.", ev.name)
		case given && val != nil && !isString:
			v.fail(field, "string", "The %s variable field must be a string.", ev.name)
		case len(s) > ev.maxLen:
			v.fail(field, "max", "The %s variable field may not be greater than %d characters.", ev.name, ev.maxLen)
		case given && val != nil:
			env[ev.env] = s
		default:
			env[ev.env] = ev.def
		}
	}
	return env
}

// updateBuild is PATCH /api/application/servers/{id}/build with
// UpdateServerBuildConfigurationRequest's rules: the default allocation
// (one the server holds), limits and feature_limits.
func (s *Server) updateBuild(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.serverFor(w, r)
	if sv == nil {
		return
	}
	v := &validator{in: input(r)}
	if v.required("allocation") {
		if id, ok := v.in.integer("allocation"); !ok || s.allocations[int(id)] == nil {
			v.fail("allocation", "exists", "The selected allocation is invalid.")
		}
	}
	limits := v.in
	if v.present("limits") && v.object("limits") {
		v.limitRules("limits.")
		limits = v.in.object("limits")
	} else if !v.present("limits") {
		v.limitRules("") // the legacy top-level fields, required without limits
	}
	v.featureLimitRules()
	if v.failed() {
		writeError(w, v.errors...)
		return
	}
	if a := s.allocations[int(must(v.in.integer("allocation")))]; a.server != sv.id {
		writeError(w, &apiError{Status: http.StatusBadRequest, Code: "DisplayException",
			Detail: "The requested default allocation is not currently assigned to this server."})
		return
	}
	sv.allocation = int(must(v.in.integer("allocation")))
	sv.limits = limitsOf(limits)
	sv.features = featureLimitsOf(v.in.object("feature_limits"))
	writeJSON(w, http.StatusOK, s.serverItem(sv, r))
}

// suspend is POST /api/application/servers/{id}/suspend. Suspending a
// suspended server changes nothing and still answers 204, as
// SuspensionService does; Wings stops the container.
func (s *Server) suspend(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sv := s.serverFor(w, r); sv != nil {
		sv.status, sv.running = ptr(statusSuspended), false
		w.WriteHeader(http.StatusNoContent)
	}
}

// unsuspend is POST /api/application/servers/{id}/unsuspend; it leaves the
// server stopped.
func (s *Server) unsuspend(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sv := s.serverFor(w, r); sv != nil {
		if sv.status != nil && *sv.status == statusSuspended {
			sv.status = nil
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteServer is DELETE /api/application/servers/{id} and .../{id}/force.
// Without force the panel first asks Wings to delete the container and
// fails when Wings cannot be reached; with force it deletes regardless.
func (s *Server) deleteServer(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sv := s.serverFor(w, r)
	if sv == nil {
		return
	}
	if s.wingsOffline && r.PathValue("force") != "force" {
		writeError(w, daemonUnreachable())
		return
	}
	s.remove(sv)
	w.WriteHeader(http.StatusNoContent)
}

// remove deletes a server and frees its allocations. It must be called
// with s.mu held.
func (s *Server) remove(sv *server) {
	for _, a := range s.serverAllocations(sv.id) {
		a.server = 0
	}
	delete(s.servers, sv.id)
}

// finishInstall ends the install: the server has no status any more and
// runs when it was created with start_on_completion.
func (sv *server) finishInstall() {
	sv.status = nil
	sv.running = sv.startOnCompletion
}

func limitsOf(f fields) Limits {
	l := Limits{}
	l.Memory, _ = f.integer("memory")
	l.Swap, _ = f.integer("swap")
	l.Disk, _ = f.integer("disk")
	l.IO, _ = f.integer("io")
	l.CPU, _ = f.integer("cpu")
	if t := f.str("threads"); t != "" {
		l.Threads = &t
	}
	return l
}

func featureLimitsOf(f fields) FeatureLimits {
	opt := func(k string) *int64 {
		if n, ok := f.integer(k); ok {
			return &n
		}
		return nil
	}
	return FeatureLimits{Databases: opt("databases"), Allocations: opt("allocations"), Backups: opt("backups")}
}

func isArray(v any) bool {
	switch v.(type) {
	case map[string]any, []any:
		return true
	}
	return false
}

// must returns the value of a lookup that validation already proved works.
func must[T any](v T, _ bool) T { return v }

func ptr[T any](v T) *T { return &v }
