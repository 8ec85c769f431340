package handlers

import (
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"time"

	"github.com/gofiber/fiber/v2"

	"transito/handlers/web"
)

// HeaderRequestID carries the request id, in both directions.
const HeaderRequestID = "X-Request-ID"

const localsRequestID = "request_id"

// requestID takes the client's X-Request-ID when it is short and plain, or
// makes one, and echoes it on the response.
func requestID(c *fiber.Ctx) error {
	id := c.Get(HeaderRequestID)
	if !plainID(id) {
		id = newRequestID()
	}
	c.Locals(localsRequestID, id)
	c.Set(HeaderRequestID, id)
	return c.Next()
}

// newRequestID makes a request id: 16 hex digits.
func newRequestID() string {
	var b [8]byte
	u := rand.Uint64()
	for i := range b {
		b[i] = byte(u >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}

func plainID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !(b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '-' || b == '_' || b == '.') {
			return false
		}
	}
	return true
}

// requestIDOf returns the request id of c.
func requestIDOf(c *fiber.Ctx) string {
	id, _ := c.Locals(localsRequestID).(string)
	return id
}

// accessLog writes one line per request: method, route, status, duration.
// It calls the error handler itself so that it logs the final status.
func accessLog(log *slog.Logger) fiber.Handler {
	return func(c *fiber.Ctx) error {
		start := time.Now()
		err := c.Next()
		if err != nil {
			if herr := c.App().ErrorHandler(c, err); herr != nil {
				_ = c.SendStatus(fiber.StatusInternalServerError)
			}
		}
		// The attributes copy the path and resolve the client: not for a
		// line the level drops (TRANSITO_LOG_LEVEL=warn).
		if !log.Enabled(c.UserContext(), slog.LevelInfo) {
			return nil
		}
		status := c.Response().StatusCode()
		log.LogAttrs(c.UserContext(), slog.LevelInfo, "request",
			slog.String("request_id", requestIDOf(c)),
			slog.String("method", c.Method()),
			slog.String("route", c.Route().Path),
			slog.String("path", c.Path()),
			slog.Int("status", status),
			slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
			slog.String("client", web.ClientIP(c)),
		)
		return nil
	}
}
