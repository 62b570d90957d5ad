package enhancetest

import "strings"

// This file holds the test hooks: they read and change the panel's state
// directly, the way a test or an Enhance admin would, without the API.

// LiveSubscriptions counts the subscriptions with this friendly name that
// are not deleted.
func (s *Server) LiveSubscriptions(friendlyName string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, sub := range s.subscriptions {
		if sub.friendlyName == friendlyName && sub.status == "active" {
			n++
		}
	}
	return n
}

// Suspended reports whether the subscription is suspended.
func (s *Server) Suspended(subscriptionID int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subscriptions[subscriptionID]
	return sub != nil && sub.suspendedBy != ""
}

// PlanID returns the id of the subscription's plan, or 0 when there is no
// such subscription.
func (s *Server) PlanID(subscriptionID int64) int64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.subscriptions[subscriptionID]; sub != nil {
		return sub.planID
	}
	return 0
}

// DeleteSubscription soft-deletes a subscription and its websites, as an
// admin deleting it in the panel does: the record stays, with status
// "deleted".
func (s *Server) DeleteSubscription(subscriptionID int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.subscriptions[subscriptionID]; sub != nil {
		s.removeSubscription(sub, false)
	}
}

// SetBandwidth sets the subscription's transfer this month, in bytes.
func (s *Server) SetBandwidth(subscriptionID, bytes int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if sub := s.subscriptions[subscriptionID]; sub != nil {
		sub.bandwidth = bytes
	}
}

// AddCustomer creates a customer organisation of the MO with an owner
// login, as if made in the panel, and returns the organisation's id.
func (s *Server) AddCustomer(name, email, password string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := &org{id: newUUID(), parentID: MasterOrgID, name: name, status: "active", createdAt: now()}
	s.orgs[o.id] = o
	s.orgOrder = append(s.orgOrder, o.id)
	l := &login{id: newUUID(), email: email, name: name, password: password}
	s.logins[l.id] = l
	m := &member{id: newUUID(), orgID: o.id, loginID: l.id, roles: []string{"Owner"}, joinedAt: now()}
	s.members[m.id] = m
	s.memberOrder = append(s.memberOrder, m.id)
	return o.id
}

// LiveCustomers counts the MO's customer organisations that are not
// deleted.
func (s *Server) LiveCustomers() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, o := range s.orgs {
		if o.parentID == MasterOrgID && o.status != "deleted" {
			n++
		}
	}
	return n
}

// LoginPassword returns the password of the login with this email, or ""
// when there is none.
func (s *Server) LoginPassword(email string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.logins {
		if strings.EqualFold(l.email, email) {
			return l.password
		}
	}
	return ""
}
