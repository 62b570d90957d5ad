// Package humaop registers huma operations through one reflective code path
// instead of one generic instantiation per operation.
//
// huma.Register[I, O] is a 450-line generic function, and Go compiles a copy
// of it for every distinct pair of input and output types. With the API's
// hundred operations that made adapters/httpapi the slowest package to
// compile by far (5–8 s of a fresh clone's 14 s `go run`). Register here is a
// three-line generic shim over a non-generic core that binds parameters and
// body, validates, runs resolvers and writes the response by reflection, with
// huma's own public pieces: its schemas and registry, Validate, error model,
// content negotiation, transformers and the router adapter. So the OpenAPI
// document, the validation messages and the error shape stay huma's.
//
// It supports what this API's operations use: path, query and header
// parameters of string, integer, boolean and time types (with default and
// required tags), a JSON Body, resolvers on the input and its embedded
// structs, and output headers (strings, cookies, slices of them) beside a
// Body that is a value, raw bytes or a streaming func(huma.Context).
// Anything else panics at registration, when the server starts, not on a
// request.
package humaop

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// Register mounts op on api with handler, as huma.Register does.
func Register[I, O any](api huma.API, op huma.Operation, handler func(context.Context, *I) (*O, error)) {
	mount(api, op, reflect.TypeFor[I](), reflect.TypeFor[O](), func(ctx context.Context, in any) (any, error) {
		out, err := handler(ctx, in.(*I))
		if out == nil {
			return nil, err // not a typed nil inside the interface
		}
		return out, err
	})
}

// operation is what mount learns once about an operation's types.
type operation struct {
	api       huma.API
	op        *huma.Operation
	in, out   reflect.Type
	params    []param
	body      *bodyField
	resolvers [][]int
	headers   []outHeader
	outBody   int // index of the output's Body field, or -1
	handle    func(context.Context, any) (any, error)
}

// param is one path, query or header parameter of the input.
type param struct {
	index    []int
	name     string
	loc      string
	required bool
	fallback string // the default tag's value
	schema   *huma.Schema
}

// bodyField is the input's Body.
type bodyField struct {
	index    []int
	required bool
	schema   *huma.Schema
}

// outHeader is a header written from a field of the output.
type outHeader struct {
	index int
	name  string
}

var (
	timeType          = reflect.TypeFor[time.Time]()
	resolverType      = reflect.TypeFor[huma.Resolver]()
	bodyCallbackType  = reflect.TypeFor[func(huma.Context)]()
	errUnexpectedType = errors.New("humaop: unsupported type")
)

func mount(api huma.API, op huma.Operation, in, out reflect.Type, handle func(context.Context, any) (any, error)) {
	if op.Method == "" || op.Path == "" {
		panic("humaop: operation " + op.OperationID + " needs a method and a path")
	}
	if in.Kind() != reflect.Struct || out.Kind() != reflect.Struct {
		panic("humaop: operation " + op.OperationID + ": input and output must be structs")
	}
	o := &operation{api: api, in: in, out: out, handle: handle, outBody: -1}
	o.describe(&op)
	o.op = &op
	api.Adapter().Handle(&op, api.Middlewares().Handler(op.Middlewares.Handler(o.serve)))
}

// serve answers one request.
func (o *operation) serve(ctx huma.Context) {
	in := reflect.New(o.in)
	v := in.Elem()
	var errs []error
	status := http.StatusUnprocessableEntity
	for i := range o.params {
		errs = o.params[i].bind(o.api, ctx, v, errs)
	}
	if o.body != nil {
		var cerr *contextError
		if errs, status, cerr = o.bindBody(ctx, v, errs); cerr != nil {
			_ = huma.WriteErr(o.api, ctx, cerr.code, cerr.msg, cerr.errs...)
			return
		}
	}
	for _, idx := range o.resolvers {
		if rerrs := v.FieldByIndex(idx).Addr().Interface().(huma.Resolver).Resolve(ctx); len(rerrs) > 0 {
			errs = append(errs, rerrs...)
		}
	}
	if len(errs) > 0 {
		// As in huma, an error that carries a status sets the response's;
		// the last one wins.
		for i := len(errs) - 1; i >= 0; i-- {
			if se, ok := errs[i].(huma.StatusError); ok {
				status = se.GetStatus()
				break
			}
		}
		_ = huma.WriteErr(o.api, ctx, status, "validation failed", errs...)
		return
	}
	output, err := o.handle(ctx.Context(), in.Interface())
	if err != nil {
		o.writeHandlerError(ctx, err)
		return
	}
	if output == nil {
		ctx.SetStatus(o.op.DefaultStatus)
		return
	}
	o.writeOutput(ctx, reflect.ValueOf(output).Elem())
}

// bind reads the parameter from the request into its field, and validates
// it against its schema.
func (p *param) bind(api huma.API, ctx huma.Context, v reflect.Value, errs []error) []error {
	var raw string
	switch p.loc {
	case "path":
		raw = ctx.Param(p.name)
	case "query":
		raw = ctx.Query(p.name)
	case "header":
		raw = ctx.Header(p.name)
	}
	if raw == "" {
		raw = p.fallback
	}
	at := p.loc + "." + p.name
	if raw == "" {
		if p.required {
			return append(errs, &huma.ErrorDetail{Location: at, Message: "required " + p.loc + " parameter is missing"})
		}
		return errs
	}
	parsed, err := parseInto(v.FieldByIndex(p.index), raw)
	if err != nil {
		return append(errs, &huma.ErrorDetail{Location: at, Message: err.Error(), Value: raw})
	}
	res := &huma.ValidateResult{}
	pb := huma.NewPathBuffer([]byte(p.loc), 0)
	pb.Push(p.name)
	huma.Validate(api.OpenAPI().Components.Schemas, p.schema, pb, huma.ModeWriteToServer, parsed, res)
	return append(errs, res.Errors...)
}

// parseInto sets f from the parameter's text and returns the value huma
// validates: the text for strings and times, the number or boolean else.
func parseInto(f reflect.Value, raw string) (any, error) {
	if f.Type() == timeType {
		t, err := time.Parse(time.RFC3339Nano, raw)
		if err != nil {
			return nil, errors.New("invalid date/time for format " + time.RFC3339Nano)
		}
		f.Set(reflect.ValueOf(t))
		return raw, nil
	}
	switch f.Kind() {
	case reflect.String:
		f.SetString(raw)
		return raw, nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || f.OverflowInt(n) {
			return nil, errors.New("invalid integer")
		}
		f.SetInt(n)
		return n, nil
	case reflect.Bool:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, errors.New("invalid boolean")
		}
		f.SetBool(b)
		return b, nil
	}
	return nil, errUnexpectedType // refused at registration; not reached
}

// contextError is a failure to read the request at all, answered at once.
type contextError struct {
	code int
	msg  string
	errs []error
}

// bindBody reads, validates and decodes the JSON body into its field. It
// returns the validation errors so far and the status they call for, or a
// contextError when the body cannot be read.
func (o *operation) bindBody(ctx huma.Context, v reflect.Value, errs []error) ([]error, int, *contextError) {
	status := http.StatusUnprocessableEntity
	if o.op.BodyReadTimeout > 0 {
		_ = ctx.SetReadDeadline(time.Now().Add(o.op.BodyReadTimeout))
	}
	body, cerr := readBody(ctx, o.op.MaxBodyBytes)
	if cerr != nil {
		return errs, status, cerr
	}
	if len(body) == 0 {
		if o.body.required {
			return errs, status, &contextError{code: http.StatusBadRequest, msg: "request body is required"}
		}
		return errs, status, nil
	}
	contentType := ctx.Header("Content-Type")
	if contentType == "" {
		contentType = "application/json"
	}
	var parsed any
	if err := o.api.Unmarshal(contentType, body, &parsed); err != nil {
		status = http.StatusBadRequest
		if errors.Is(err, huma.ErrUnknownContentType) {
			status = http.StatusUnsupportedMediaType
		}
		return append(errs, &huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(body)}), status, nil
	}
	res := &huma.ValidateResult{}
	huma.Validate(o.api.OpenAPI().Components.Schemas, o.body.schema, huma.NewPathBuffer([]byte("body"), 0), huma.ModeWriteToServer, parsed, res)
	if len(res.Errors) > 0 {
		return append(errs, res.Errors...), status, nil
	}
	if err := o.api.Unmarshal(contentType, body, v.FieldByIndex(o.body.index).Addr().Interface()); err != nil {
		return append(errs, &huma.ErrorDetail{Location: "body", Message: err.Error(), Value: string(body)}), status, nil
	}
	return errs, status, nil
}

// readBody reads at most maxBytes of the request body.
func readBody(ctx huma.Context, maxBytes int64) ([]byte, *contextError) {
	reader := ctx.BodyReader()
	if reader == nil {
		return nil, nil
	}
	if closer, ok := reader.(io.Closer); ok {
		defer closer.Close()
	}
	if maxBytes > 0 {
		reader = io.LimitReader(reader, maxBytes)
	}
	var buf bytes.Buffer
	n, err := io.Copy(&buf, reader)
	if maxBytes > 0 && n == maxBytes {
		return nil, &contextError{code: http.StatusRequestEntityTooLarge, msg: fmt.Sprintf("request body is too large limit=%d bytes", maxBytes)}
	}
	if err != nil {
		var nerr net.Error
		if errors.As(err, &nerr) && nerr.Timeout() {
			return nil, &contextError{code: http.StatusRequestTimeout, msg: "request body read timeout"}
		}
		return nil, &contextError{code: http.StatusInternalServerError, msg: "cannot read request body", errs: []error{err}}
	}
	return buf.Bytes(), nil
}

// writeHandlerError answers a handler's error: its own status when it has
// one, else 500 without the details.
func (o *operation) writeHandlerError(ctx huma.Context, err error) {
	var he huma.HeadersError
	if errors.As(err, &he) {
		for k, values := range he.GetHeaders() {
			for _, val := range values {
				ctx.AppendHeader(k, val)
			}
		}
	}
	var se huma.StatusError
	if !errors.As(err, &se) {
		se = huma.NewErrorWithContext(ctx, http.StatusInternalServerError, "unexpected error occurred", err)
	}
	o.write(ctx, se.GetStatus(), "", se)
}

// writeOutput writes the output's headers and body.
func (o *operation) writeOutput(ctx huma.Context, vo reflect.Value) {
	ct := ""
	for _, h := range o.headers {
		f := vo.Field(h.index)
		if f.Kind() == reflect.Slice {
			for i := 0; i < f.Len(); i++ {
				writeHeader(ctx.AppendHeader, h.name, f.Index(i))
			}
			continue
		}
		if f.Kind() == reflect.String && h.name == "Content-Type" {
			ct = f.String() // overrides content negotiation
		}
		writeHeader(ctx.SetHeader, h.name, f)
	}
	status := o.op.DefaultStatus
	if o.outBody < 0 {
		ctx.SetStatus(status)
		return
	}
	switch body := vo.Field(o.outBody).Interface().(type) {
	case func(huma.Context):
		body(ctx)
	case []byte:
		ctx.SetStatus(status)
		_, _ = ctx.BodyWriter().Write(body)
	default:
		o.write(ctx, status, ct, body)
	}
}

// writeHeader writes one header value from a field.
func writeHeader(write func(string, string), name string, f reflect.Value) {
	switch f.Kind() {
	case reflect.String:
		if f.String() != "" {
			write(name, f.String())
		}
		return
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		write(name, strconv.FormatInt(f.Int(), 10))
		return
	case reflect.Bool:
		write(name, strconv.FormatBool(f.Bool()))
		return
	}
	if f.Type() == timeType {
		if t := f.Interface().(time.Time); !t.IsZero() {
			write(name, t.Format(http.TimeFormat))
		}
		return
	}
	if f.CanAddr() {
		if s, ok := f.Addr().Interface().(fmt.Stringer); ok {
			write(name, s.String()) // http.Cookie
			return
		}
	}
	write(name, fmt.Sprintf("%v", f.Interface()))
}

// write negotiates the content type (unless ct is set), transforms and
// marshals body, as huma writes responses.
func (o *operation) write(ctx huma.Context, status int, ct string, body any) {
	if ct == "" {
		var err error
		if ct, err = o.api.Negotiate(ctx.Header("Accept")); err != nil {
			notAcceptable := huma.NewErrorWithContext(ctx, http.StatusNotAcceptable, "unable to marshal response", err)
			ctx.SetHeader("Content-Type", contentType(notAcceptable, "application/json"))
			o.transformAndWrite(ctx, http.StatusNotAcceptable, "application/json", notAcceptable)
			return
		}
		ct = contentType(body, ct)
		ctx.SetHeader("Content-Type", ct)
	}
	o.transformAndWrite(ctx, status, ct, body)
}

// contentType lets a body that knows its media type (huma's error model:
// application/problem+json) refine the negotiated one.
func contentType(body any, ct string) string {
	if f, ok := body.(huma.ContentTypeFilter); ok {
		return f.ContentType(ct)
	}
	return ct
}

func (o *operation) transformAndWrite(ctx huma.Context, status int, ct string, body any) {
	tv, err := o.api.Transform(ctx, strconv.Itoa(status), body)
	if err != nil {
		ctx.SetStatus(http.StatusInternalServerError)
		_, _ = ctx.BodyWriter().Write([]byte("error transforming response"))
		panic(fmt.Errorf("humaop: transforming the response of %s %s: %w", o.op.Method, o.op.Path, err))
	}
	ctx.SetStatus(status)
	if status == http.StatusNoContent || status == http.StatusNotModified {
		return
	}
	if err := o.api.Marshal(ctx.BodyWriter(), ct, tv); err != nil {
		if errors.Is(ctx.Context().Err(), context.Canceled) {
			return // the client went away
		}
		_, _ = ctx.BodyWriter().Write([]byte("error marshaling response"))
		panic(fmt.Errorf("humaop: marshaling the response of %s %s: %w", o.op.Method, o.op.Path, err))
	}
}
