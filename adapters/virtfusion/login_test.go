package virtfusion_test

import (
	"net/http"
	"strings"
	"testing"

	"ezscale.cloud/platform"
)

func TestLoginURLIsAOneTimeLinkOnThePanel(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	link, err := p.LoginURL(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(link, fake.URL+"/token_login?token_1=") {
		t.Fatalf("link %s is not on the panel %s", link, fake.URL)
	}
	if n := calls(fake, http.MethodPost, "/users/7/serverAuthenticationTokens/"+id); n != 1 {
		t.Fatalf("%d token requests for customer 7's server", n)
	}
}

func TestLoginURLRefusesAnotherHost(t *testing.T) {
	p, fake := open(t)
	id := create(t, p, request()).ExternalID
	for _, endpoint := range []string{"https://evil.example/token_login", "//evil.example/token_login"} {
		fake.Respond(http.MethodPost, "/users/*/serverAuthenticationTokens/*", http.StatusOK,
			map[string]any{"data": map[string]any{"authentication": map[string]any{"endpoint_complete": endpoint}}})
		link, err := p.LoginURL(ctx, id)
		if err == nil || strings.Contains(link, "evil") {
			t.Fatalf("%s gave %q, %v", endpoint, link, err)
		}
		wantCode(t, err, platform.EINTERNAL)
	}
}
