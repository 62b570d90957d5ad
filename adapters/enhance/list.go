package enhance

import (
	"context"
	"maps"
	"net/http"
	"net/url"
	"strconv"
)

// pageSize is the limit asked of orchd listings.
const pageSize = 100

// find pages through an orchd listing and returns the first item match
// accepts. Pages are walked by the items actually returned against the
// reported total, not by the limit asked, since a server may cap a page.
func find[T any](ctx context.Context, p *Panel, path string, query url.Values, match func(T) bool) (T, bool, error) {
	var zero T
	q := url.Values{}
	maps.Copy(q, query)
	q.Set("limit", strconv.Itoa(pageSize))
	for offset := 0; ; {
		q.Set("offset", strconv.Itoa(offset))
		var page listing[T]
		if err := p.do(ctx, http.MethodGet, path, q, nil, &page); err != nil {
			return zero, false, err
		}
		for _, item := range page.Items {
			if match(item) {
				return item, true, nil
			}
		}
		offset += len(page.Items)
		if len(page.Items) == 0 || offset >= page.Total {
			return zero, false, nil
		}
	}
}
