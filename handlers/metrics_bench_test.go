package handlers

import (
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"
)

// BenchmarkMetricsMiddleware measures what the instrumentation adds to a
// request once its series exist: it must not allocate.
func BenchmarkMetricsMiddleware(b *testing.B) {
	for _, instrumented := range []bool{false, true} {
		name := map[bool]string{false: "bare", true: "instrumented"}[instrumented]
		b.Run(name, func(b *testing.B) {
			app := fiber.New(fiber.Config{DisableStartupMessage: true})
			if instrumented {
				app.Use(NewMetrics().middleware)
			}
			app.Post("/cargar_infraccion", func(c *fiber.Ctx) error { return c.SendStatus(fiber.StatusOK) })
			h := app.Handler()
			ctx := new(fasthttp.RequestCtx)
			ctx.Request.Header.SetMethod(fiber.MethodPost)
			ctx.Request.SetRequestURI("/cargar_infraccion")
			b.ReportAllocs()
			for b.Loop() {
				h(ctx)
			}
		})
	}
}
