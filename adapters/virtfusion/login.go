package virtfusion

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"ezscale.cloud/platform"
	"ezscale.cloud/platform/provisioning"
)

// LoginURL implements provisioning.Panel with one-time login tokens that
// land the owner on the server's page (POST /users/{extRelationId}/
// serverAuthenticationTokens/{serverId}). VirtFusion answers with
// endpoint_complete, a path both real clients append to the panel
// address; an absolute answer is accepted only on the panel's own host, so
// a tampered answer cannot send customers elsewhere.
func (p *Panel) LoginURL(ctx context.Context, externalID string) (string, error) {
	id, err := serverID(externalID)
	if err != nil {
		return "", err
	}
	srv, err := p.getServer(ctx, id, false)
	if err != nil {
		return "", err
	}
	ext := srv.extRelation()
	if ext == "" {
		return "", platform.Errorf(provisioning.EUNSUPPORTED,
			"virtfusion server %d belongs to a user without an external relation id, so it has no login link", id)
	}
	var res envelope[struct {
		Authentication struct {
			EndpointComplete string `json:"endpoint_complete"`
		} `json:"authentication"`
	}]
	path := "/users/" + url.PathEscape(ext) + "/serverAuthenticationTokens/" + externalID
	if err := p.call(ctx, "login tokens for server "+externalID, http.MethodPost, path, nil, nil, &res); err != nil {
		return "", err
	}
	return p.loginLink(res.Data.Authentication.EndpointComplete)
}

// loginLink appends a relative endpoint_complete to the panel address, as
// the real clients concatenate them, and refuses an absolute one on
// another host.
func (p *Panel) loginLink(endpoint string) (string, error) {
	ref, err := url.Parse(endpoint)
	if err != nil || endpoint == "" {
		return "", platform.Errorf(platform.EINTERNAL, "virtfusion returned no usable login endpoint")
	}
	if ref.Scheme != "" || ref.Host != "" {
		if !strings.EqualFold(ref.Host, p.site.Host) || ref.Scheme != p.site.Scheme {
			return "", platform.Errorf(platform.EINTERNAL, "virtfusion login endpoint points at %s://%s, not the panel", ref.Scheme, ref.Host)
		}
		return ref.String(), nil
	}
	link := *p.site
	link.Path = strings.TrimRight(p.site.Path, "/") + "/" + strings.TrimLeft(ref.Path, "/")
	link.RawPath = ""
	link.RawQuery = ref.RawQuery
	return link.String(), nil
}
