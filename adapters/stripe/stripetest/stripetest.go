// Package stripetest starts stripe-mock, Stripe's official mock API server,
// for tests of the Stripe adapter.
package stripetest

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// RequireEnv names the environment variable that turns a missing stripe-mock
// from a skip into a failure. CI sets it, so the Stripe tests cannot pass
// there by not running.
const RequireEnv = "EZSCALE_REQUIRE_STRIPE_MOCK"

// Start starts stripe-mock on free loopback ports, waits until it answers,
// stops it when the test ends and returns its base URL, e.g.
// "http://127.0.0.1:41234". The binary is looked up on PATH, then in
// $(go env GOPATH)/bin where scripts/test.sh builds it. Without it the test
// is skipped, or fails when RequireEnv is set.
func Start(t testing.TB) string {
	t.Helper()
	bin, err := find()
	if err != nil {
		const hint = "stripe-mock not found; run scripts/test.sh"
		if os.Getenv(RequireEnv) != "" {
			t.Fatalf("%s (%s is set, so the Stripe tests must run): %v", hint, RequireEnv, err)
		}
		t.Skipf("SKIPPING: %s (%v)", hint, err)
	}
	// stripe-mock only reports the ports it chose in its log, so pick free
	// ones here; another process taking one in between makes the wait fail
	// clearly rather than hang. Both listeners stay on loopback.
	httpAddr, httpsAddr := freeAddr(t), freeAddr(t)
	cmd := exec.Command(bin, "-http-addr", httpAddr, "-https-addr", httpsAddr)
	logPath := filepath.Join(t.TempDir(), "stripe-mock.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		t.Fatalf("stripe-mock log: %v", err)
	}
	defer logFile.Close() // the child has its own descriptor
	cmd.Stdout, cmd.Stderr = logFile, logFile
	if err := cmd.Start(); err != nil {
		t.Fatalf("start stripe-mock: %v", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	url := "http://" + httpAddr
	if err := waitReady(url, exited); err != nil {
		log, _ := os.ReadFile(logPath)
		t.Fatalf("stripe-mock at %s: %v\n%s", url, err, log)
	}
	return url
}

// find returns the path of the stripe-mock binary.
func find() (string, error) {
	if p, err := exec.LookPath("stripe-mock"); err == nil {
		return p, nil
	}
	gopath, err := exec.Command("go", "env", "GOPATH").Output()
	if err != nil {
		return "", fmt.Errorf("not on PATH, and go env GOPATH failed: %w", err)
	}
	for _, dir := range filepath.SplitList(strings.TrimSpace(string(gopath))) {
		p := filepath.Join(dir, "bin", "stripe-mock")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", errors.New("not on PATH nor in $(go env GOPATH)/bin")
}

// waitReady polls url until stripe-mock answers (any HTTP status will do:
// without a key it answers 401), it exits, or ten seconds pass.
func waitReady(url string, exited <-chan error) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			return fmt.Errorf("exited early: %v", err)
		default:
		}
		resp, err := http.Get(url + "/v1/customers")
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return errors.New("did not answer within 10s")
}

// freeAddr returns a loopback TCP address that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer l.Close()
	return l.Addr().String()
}
