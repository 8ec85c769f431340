package handlers

import (
	"strconv"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"transito/models"
)

// Metrics is the server's Prometheus instrumentation, on a registry of its
// own: requests by route and status, latency, infractions recorded, the
// group commit of the recorder and the rate limiters' refusals.
type Metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	refusals  *prometheus.CounterVec
	recorded  prometheus.Counter
	batchSize prometheus.Histogram
	commit    prometheus.Histogram

	mu     sync.RWMutex
	series map[seriesKey]requestSeries
}

// seriesKey identifies the time series of one kind of response. Its fields
// are strings the router owns, so that looking it up allocates nothing.
type seriesKey struct {
	route  string
	method string
	status int
}

type requestSeries struct {
	count   prometheus.Counter
	latency prometheus.Observer
}

// routeUnmatched labels requests that matched no route, so that scanners
// probing random paths do not create a series each.
const routeUnmatched = "unmatched"

// NewMetrics makes the metrics and their registry, with the Go runtime and
// process collectors.
func NewMetrics() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transito_http_requests_total",
			Help: "HTTP requests answered, by route pattern, method and status.",
		}, []string{"route", "method", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "transito_http_request_duration_seconds",
			Help:    "Time from the request's arrival to its answer, by route pattern and method.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"route", "method"}),
		refusals: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "transito_rate_limit_refusals_total",
			Help: "Requests refused with 429 by a rate limiter.",
		}, []string{"limiter"}),
		recorded: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "transito_infractions_recorded_total",
			Help: "Infractions stored through the officer API (idempotent replays not counted).",
		}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "transito_recorder_batch_size",
			Help:    "Infractions written per group-commit transaction.",
			Buckets: []float64{1, 2, 4, 8, 16, 32, 64, 128, 256},
		}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "transito_recorder_commit_duration_seconds",
			Help:    "Duration of each group-commit transaction, fsync included.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1},
		}),
		series: make(map[seriesKey]requestSeries),
	}
	m.reg.MustRegister(m.requests, m.latency, m.refusals, m.recorded, m.batchSize, m.commit,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Registry is where the metrics are registered; /metrics gathers from it.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// ObserveBatch records one group commit; it is the recorder's OnBatch hook.
func (m *Metrics) ObserveBatch(size int, took time.Duration) {
	m.batchSize.Observe(float64(size))
	m.commit.Observe(took.Seconds())
}

// watchRecorder exports the recorder's queue depth, read at each scrape.
func (m *Metrics) watchRecorder(r *models.Recorder) error {
	return m.reg.Register(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "transito_recorder_queue_depth",
		Help: "Infractions waiting for the group-commit writer.",
	}, func() float64 { return float64(r.QueueDepth()) }))
}

// limiterRefusals returns the refusal counter of one limiter, resolved once.
func (m *Metrics) limiterRefusals(name string) prometheus.Counter {
	return m.refusals.WithLabelValues(name)
}

// middleware measures every request. It sits outside accessLog, which hands
// errors to the error handler, so the status it reads is the final one.
func (m *Metrics) middleware(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	s := m.seriesOf(c)
	s.count.Inc()
	s.latency.Observe(time.Since(start).Seconds())
	return err
}

// seriesOf returns the series of the request's route, method and status,
// resolving the label values the first time that combination is seen.
func (m *Metrics) seriesOf(c *fiber.Ctx) requestSeries {
	r := c.Route()
	key := seriesKey{route: r.Path, method: r.Method, status: c.Response().StatusCode()}
	if r.Path == "/" && c.Path() != "/" {
		// Only the middleware mounted on / matched: no route did.
		key.route = routeUnmatched
	}
	m.mu.RLock()
	s, ok := m.series[key]
	m.mu.RUnlock()
	if ok {
		return s
	}
	method := key.method
	if !knownMethod(method) {
		method = "OTHER"
	}
	s = requestSeries{
		count:   m.requests.WithLabelValues(key.route, method, strconv.Itoa(key.status)),
		latency: m.latency.WithLabelValues(key.route, method),
	}
	m.mu.Lock()
	m.series[key] = s
	m.mu.Unlock()
	return s
}

func knownMethod(m string) bool {
	switch m {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodPost, fiber.MethodPut, fiber.MethodPatch,
		fiber.MethodDelete, fiber.MethodOptions, fiber.MethodConnect, fiber.MethodTrace:
		return true
	}
	return false
}

// metricsHandler serves the registry in the Prometheus text format.
func (s *Server) metricsHandler() fiber.Handler {
	return adaptor.HTTPHandler(promhttp.HandlerFor(s.metrics.reg, promhttp.HandlerOpts{
		Registry: s.metrics.reg,
	}))
}
