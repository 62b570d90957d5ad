package pterodactyltest

import (
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// freeAllocationRule is the rule on allocation.default when there is no
// deploy: an integer naming an allocation no server holds. It must be
// called with s.mu held.
func (s *Server) freeAllocationRule(v *validator, field string) {
	id, ok := v.in.integer(field)
	if a := s.allocations[int(id)]; !ok || a == nil || a.server != 0 {
		v.fail(field, "exists", "The selected %s is invalid.", field)
	}
}

// place returns the allocations a new server gets: the named default (and
// additional) allocations, or, with deploy, a free allocation on a node in
// one of the locations, within port_range, on an IP no server uses when
// dedicated_ip. Like the panel it answers 400 when no node or allocation
// fits. It must be called with s.mu held.
func (s *Server) place(in fields) ([]*allocation, *apiError) {
	if _, ok := in.get("deploy"); !ok {
		out := []*allocation{s.allocations[int(must(in.integer("allocation.default")))]}
		extra, _ := in.ints("allocation.additional")
		for _, id := range extra {
			if a := s.allocations[id]; a != nil && a.server == 0 {
				out = append(out, a)
			}
		}
		return out, nil
	}
	locations, _ := in.ints("deploy.locations")
	ports, _ := in.strs("deploy.port_range")
	dedicated, _ := in.boolean("deploy.dedicated_ip")
	var nodes []int
	for _, n := range s.nodes {
		for _, l := range locations {
			if n.location == l {
				nodes = append(nodes, n.id)
			}
		}
	}
	if len(nodes) == 0 {
		return nil, &apiError{Status: http.StatusBadRequest, Code: "NoViableNodeException",
			Detail: "No nodes satisfying the requirements specified for automatic deployment could be found."}
	}
	for _, a := range s.sortedAllocations() {
		if a.server == 0 && contains(nodes, a.node) && inPortRange(ports, a.port) && (!dedicated || s.ipFree(a)) {
			return []*allocation{a}, nil
		}
	}
	return nil, &apiError{Status: http.StatusBadRequest, Code: "NoViableAllocationException",
		Detail: "No allocations satisfying the requirements specified for automatic deployment could be found."}
}

// ipFree reports whether no server holds a port on the allocation's IP.
// It must be called with s.mu held.
func (s *Server) ipFree(a *allocation) bool {
	for _, o := range s.allocations {
		if o.node == a.node && o.ip == a.ip && o.server != 0 {
			return false
		}
	}
	return true
}

// inPortRange reports whether port is in one of the ranges ("25565" or
// "25565-25570"); no ranges allow any port.
func inPortRange(ranges []string, port int) bool {
	if len(ranges) == 0 {
		return true
	}
	for _, r := range ranges {
		lo, hi, isRange := strings.Cut(r, "-")
		if !isRange {
			hi = lo
		}
		l, err1 := strconv.Atoi(strings.TrimSpace(lo))
		h, err2 := strconv.Atoi(strings.TrimSpace(hi))
		if err1 == nil && err2 == nil && l <= port && port <= h {
			return true
		}
	}
	return false
}

func contains(ids []int, id int) bool {
	for _, x := range ids {
		if x == id {
			return true
		}
	}
	return false
}

// sortedAllocations must be called with s.mu held.
func (s *Server) sortedAllocations() []*allocation {
	out := make([]*allocation, 0, len(s.allocations))
	for _, a := range s.allocations {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// listAllocations is GET /api/application/nodes/{node}/allocations, 50 to
// a page unless per_page says otherwise.
func (s *Server) listAllocations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	id, _ := strconv.Atoi(r.PathValue("node"))
	if s.nodes[id] == nil {
		writeError(w, notFound("NotFoundHttpException", ""))
		return
	}
	var items []item
	for _, a := range s.sortedAllocations() {
		if a.node == id {
			items = append(items, a.item())
		}
	}
	writeJSON(w, http.StatusOK, paginate(r, items))
}

// getEgg is GET /api/application/nests/{nest}/eggs/{egg}; the egg must be
// in the nest, and ?include=variables adds its variables.
func (s *Server) getEgg(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	nest, _ := strconv.Atoi(r.PathValue("nest"))
	id, _ := strconv.Atoi(r.PathValue("egg"))
	if eg := s.eggs[id]; eg != nil && eg.nest == nest {
		writeJSON(w, http.StatusOK, eg.item(includes(r, "variables")))
		return
	}
	writeError(w, notFound("NotFoundHttpException", ""))
}
