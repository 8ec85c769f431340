package web

import (
	"net/netip"
	"strings"

	"github.com/gofiber/fiber/v2"
)

const localsClient = "client_ip"

// trustedNets parses the configured proxies (addresses or CIDR ranges);
// entries that parse as neither are ignored here (Fiber reports nothing
// either, and trusts none of them).
func trustedNets(proxies []string) []netip.Prefix {
	var nets []netip.Prefix
	for _, p := range proxies {
		if pfx, err := netip.ParsePrefix(strings.TrimSpace(p)); err == nil {
			nets = append(nets, pfx.Masked())
		} else if a, err := netip.ParseAddr(strings.TrimSpace(p)); err == nil {
			nets = append(nets, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
		}
	}
	return nets
}

// ResolveClient works out the client's address once per request, for
// ClientIP. Behind a trusted proxy (one of proxies, addresses or CIDR
// ranges) it is the right-most X-Forwarded-For entry that is not itself a
// trusted proxy: the entries to its left were sent by the client and prove
// nothing. (Fiber's c.IP() returns the header as sent, so a client could pick
// a fresh rate-limit and login-throttle key on every request.)
func ResolveClient(proxies []string) fiber.Handler {
	trusted := trustedNets(proxies)
	return func(c *fiber.Ctx) error {
		c.Locals(localsClient, clientOf(c, trusted))
		return c.Next()
	}
}

func clientOf(c *fiber.Ctx, trusted []netip.Prefix) string {
	client := c.Context().RemoteIP().String()
	if c.IsProxyTrusted() && len(trusted) > 0 {
		entries := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
		for i := len(entries) - 1; i >= 0; i-- {
			a, err := netip.ParseAddr(strings.TrimSpace(entries[i]))
			if err != nil {
				break
			}
			client = a.Unmap().String()
			if !isTrusted(trusted, a) {
				break
			}
		}
	}
	return client
}

func isTrusted(trusted []netip.Prefix, a netip.Addr) bool {
	for _, n := range trusted {
		if n.Contains(a.Unmap()) {
			return true
		}
	}
	return false
}

// ClientIP is the client's address as ResolveClient found it.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(localsClient).(string); ok {
		return ip
	}
	return c.Context().RemoteIP().String()
}
