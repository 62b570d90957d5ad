package bandwidth

import (
	"context"
	"time"
)

// Counters are the bytes seen for one IP address: BytesIn addressed to it,
// BytesOut sent from it.
type Counters struct {
	BytesIn  int64
	BytesOut int64
}

// FlowSource is the port that reads traffic counters from flow records.
type FlowSource interface {
	// UsageSince sums the traffic of each address in serviceIPs over
	// flows in [from, to), keyed by the address as given. An address
	// with no flows in the window may be missing from the map; a missing
	// address means zero traffic.
	UsageSince(ctx context.Context, serviceIPs []string, from, to time.Time) (map[string]Counters, error)
}
