package api

import (
	"encoding/json"
	"errors"
	"hash/fnv"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
	"transito/models"
	"transito/models/fines"
	"transito/models/rules"
)

// report handles GET /generar_informe?email=: the infractions charged to the
// person with that e-mail, newest first, as a JSON array.
func (h *Handler) report(c *fiber.Ctx) error {
	email, err := rules.LookupEmail(c.Query("email"))
	if err != nil {
		return err
	}
	if h.cfg.Access == rules.AccessVerified {
		if err := h.proveOwner(c, email); err != nil {
			return err
		}
	}
	body, etag, err := h.reportJSON(c, email)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSON)
	// The cached body is never modified: hand it over without a copy.
	c.Response().SetBodyRaw(body)
	return nil
}

// unknownEmail is the report's 404. In verified mode it carries no request
// id, so that a wrong proof and an unknown address answer the same bytes.
func (h *Handler) unknownEmail(email string) *web.Problem {
	p := web.NewProblem(fiber.StatusNotFound, "No hay ninguna persona registrada con el correo "+email+".")
	p.Anonymous = h.cfg.Access == rules.AccessVerified
	return p
}

// proveOwner checks the proof of ownership of verified mode: placa_patente
// of a vehicle in the person's name, documento, or the acceso token of a
// one-time link sent to that address. A wrong or missing proof is the same
// 404 as an unknown address, after the same one query.
func (h *Handler) proveOwner(c *fiber.Ctx, email string) error {
	ctx := c.UserContext()
	if token := c.Query(rules.FieldAccessToken); token != "" {
		p, err := h.store.UseAccessLink(ctx, token)
		if errors.Is(err, models.ErrNotFound) || (err == nil && p.Email != email) {
			return h.unknownEmail(email)
		}
		return err
	}
	_, err := h.store.ProvePerson(ctx, email, c.Query(rules.FieldPlate), c.Query(rules.FieldDocument))
	if errors.Is(err, models.ErrNotFound) {
		return h.unknownEmail(email)
	}
	return err
}

// reportJSON returns the report of email as JSON, from the cache when
// nothing it depends on has changed since it was built: the database (its
// data version), the tariff (settings and catalogue) and the day in the
// configured zone, since what is owed changes with the date. Concurrent
// misses for the same e-mail at the same stamp build it once and share it.
func (h *Handler) reportJSON(c *fiber.Ctx, email string) ([]byte, string, error) {
	ctx := c.UserContext()
	now := time.Now()
	tariff, err := h.store.Tariff(ctx)
	if err != nil {
		return nil, "", err
	}
	data, cacheable := h.store.DataVersion(ctx)
	if !cacheable {
		return h.buildReport(c, email, tariff, now)
	}
	version := reportStamp{data: data, tariff: tariff.Version, day: fines.DateOf(now, h.cfg.Location)}
	if e, ok := h.reports.get(email, version); ok {
		return e.body, e.etag, nil
	}
	f, leader := h.reports.join(email, version)
	if leader {
		f.body, f.etag, f.err = h.buildReport(c, email, tariff, now)
		h.reports.finish(email, version, f)
	} else {
		<-f.done
	}
	var p *web.Problem
	if errors.As(f.err, &p) {
		copied := *p // the error handler writes each request's id into its own copy
		return nil, "", &copied
	}
	return f.body, f.etag, f.err
}

// buildReport queries the report of email and encodes it as it stands at
// now.
func (h *Handler) buildReport(c *fiber.Ctx, email string, tariff *models.Tariff, now time.Time) ([]byte, string, error) {
	_, rows, err := h.store.Report(c.UserContext(), email)
	if errors.Is(err, models.ErrNotFound) {
		return nil, "", h.unknownEmail(email)
	}
	if err != nil {
		return nil, "", err
	}
	out := make([]InfractionJSON, len(rows))
	for i := range rows {
		out[i] = h.infractionJSON(&rows[i], tariff, now)
	}
	body, err := json.Marshal(out)
	if err != nil {
		return nil, "", err
	}
	sum := fnv.New64a()
	sum.Write(body)
	return body, `"` + strconv.FormatUint(sum.Sum64(), 36) + `"`, nil
}

// reportCacheBytes bounds the memory the report cache holds.
const reportCacheBytes = 16 << 20

// reportStamp is what a built report depends on besides the e-mail.
type reportStamp struct {
	data   int64
	tariff string
	day    fines.Date
}

type reportEntry struct {
	version reportStamp
	body    []byte
	etag    string
}

// reportCache keeps built reports until the database changes. It is bounded
// in bytes: when full it starts over.
type reportCache struct {
	mu       sync.RWMutex
	m        map[string]reportEntry
	bytes    int
	building map[flightKey]*reportFlight
}

type flightKey struct {
	email   string
	version reportStamp
}

// reportFlight is one build of a report that other requests wait for.
type reportFlight struct {
	done chan struct{}
	body []byte
	etag string
	err  error
}

// join returns the build of email at version under way, or starts one
// (leader true): the leader must call finish.
func (rc *reportCache) join(email string, version reportStamp) (f *reportFlight, leader bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	k := flightKey{email, version}
	if f, ok := rc.building[k]; ok {
		return f, false
	}
	if rc.building == nil {
		rc.building = make(map[flightKey]*reportFlight)
	}
	f = &reportFlight{done: make(chan struct{})}
	rc.building[k] = f
	return f, true
}

// finish stores a successful build, then wakes the requests waiting for it.
func (rc *reportCache) finish(email string, version reportStamp, f *reportFlight) {
	if f.err == nil {
		rc.put(email, reportEntry{version: version, body: f.body, etag: f.etag})
	}
	rc.mu.Lock()
	delete(rc.building, flightKey{email, version})
	rc.mu.Unlock()
	close(f.done)
}

func (rc *reportCache) get(email string, version reportStamp) (reportEntry, bool) {
	rc.mu.RLock()
	defer rc.mu.RUnlock()
	e, ok := rc.m[email]
	return e, ok && e.version == version
}

func (rc *reportCache) put(email string, e reportEntry) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if rc.m == nil || rc.bytes+len(e.body) > reportCacheBytes {
		rc.m, rc.bytes = make(map[string]reportEntry), 0
	}
	if old, ok := rc.m[email]; ok {
		rc.bytes -= len(old.body)
	}
	if len(e.body) <= reportCacheBytes/4 {
		// The key is copied: email may point into Fiber's request buffer,
		// which the next request overwrites (another person's address of the
		// same length would then find this report).
		rc.m[strings.Clone(email)] = e
		rc.bytes += len(e.body)
	}
}
