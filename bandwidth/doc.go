// Package bandwidth is the domain of traffic metering: how many bytes a
// service moved in a billing period, how much of that its plan includes,
// which usage thresholds to notify the customer about and what the overage
// costs. The FlowSource port reads traffic counters from flow records
// (ElastiFlow on Elasticsearch in production).
//
// Byte units are decimal (SI): a terabyte is 10^12 bytes, as transit
// providers, panels and plan pages count them.
//
// The package is pure: it imports only the standard library and the
// platform kernel.
package bandwidth
