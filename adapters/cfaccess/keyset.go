package cfaccess

import (
	"context"
	"crypto/rsa"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	jose "github.com/go-jose/go-jose/v4"

	"ezscale.cloud/platform"
)

const (
	// refetchInterval is the least time between two fetches of the keys.
	refetchInterval = 30 * time.Second
	// fetchTimeout bounds one fetch whatever client the caller supplied.
	fetchTimeout = 10 * time.Second
	// maxCertsBytes bounds the certs response, a few kilobytes in practice.
	maxCertsBytes = 1 << 20
)

var errUnknownKey = refused("access token signed by an unknown key", nil)

// keySet caches the team's RSA signing keys by key id.
type keySet struct {
	url    string
	client *http.Client
	now    func() time.Time

	// keys is replaced whole on each fetch, so readers never lock.
	keys atomic.Pointer[map[string]*rsa.PublicKey]

	mu        sync.Mutex // serialises fetches and guards fetchedAt
	fetchedAt time.Time
}

// key returns the key named kid, fetching the key set first if kid is
// unknown and the last fetch is old enough.
func (s *keySet) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	if k := s.cached(kid); k != nil {
		return k, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	// A fetch that finished while this request waited may have brought kid.
	if k := s.cached(kid); k != nil {
		return k, nil
	}
	now := s.now()
	if !s.fetchedAt.IsZero() && now.Sub(s.fetchedAt) < refetchInterval {
		return nil, errUnknownKey
	}
	// Failed attempts count too, so an outage is not met with a retry
	// storm.
	s.fetchedAt = now
	keys, err := s.fetch(ctx)
	if err != nil {
		return nil, &platform.Error{Code: platform.EINTERNAL, Message: "cannot fetch access signing keys", Err: err}
	}
	s.keys.Store(&keys)
	if k := keys[kid]; k != nil {
		return k, nil
	}
	return nil, errUnknownKey
}

func (s *keySet) cached(kid string) *rsa.PublicKey {
	if keys := s.keys.Load(); keys != nil {
		return (*keys)[kid]
	}
	return nil
}

// fetch reads the key set from the certs URL, keeping the RSA keys of its
// "keys" member.
func (s *keySet) fetch(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	// The fetch uses up the rate limit, so a client that hangs up must not
	// cancel it: otherwise cancelled requests could keep a new key out.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), fetchTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s", s.url, resp.Status)
	}
	var doc struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxCertsBytes)).Decode(&doc); err != nil {
		return nil, fmt.Errorf("GET %s: %w", s.url, err)
	}
	keys := make(map[string]*rsa.PublicKey)
	for _, raw := range doc.Keys {
		// A key this verifier cannot use is skipped rather than failing
		// the set, so one odd entry cannot lock everyone out.
		var jwk jose.JSONWebKey
		if err := jwk.UnmarshalJSON(raw); err != nil {
			continue
		}
		if pub, ok := jwk.Key.(*rsa.PublicKey); ok && jwk.KeyID != "" {
			keys[jwk.KeyID] = pub
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("GET %s: no RSA keys", s.url)
	}
	return keys, nil
}
