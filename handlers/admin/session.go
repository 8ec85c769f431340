package admin

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/securecookie"
	"github.com/gorilla/sessions"

	"transito/handlers/web"
	"transito/models"
	"transito/paths"
	"transito/views"
)

// SessionCookie is the name of the admin session cookie.
const SessionCookie = "transito_session"

// DefaultSessionIdle is how long an admin session lives without requests.
const DefaultSessionIdle = 8 * time.Hour

// DefaultSessionMax is how long an admin session lives at most after login.
const DefaultSessionMax = 12 * time.Hour

const localsSession = "admin_session"

// session is what the admin session cookie carries, signed and encrypted.
// An anonymous session (AdminID 0) exists only to hold the login form's
// CSRF token.
type session struct {
	ID      string        `json:"id"`
	CSRF    string        `json:"csrf"`
	AdminID int64         `json:"aid,omitempty"`
	User    string        `json:"usr,omitempty"`
	Seen    int64         `json:"seen"`
	Flashes []views.Flash `json:"fl,omitempty"`
	Import  string        `json:"imp,omitempty"`
}

// sessionManager encodes sessions into the cookie with the codecs of a
// gorilla/sessions CookieStore.
type sessionManager struct {
	codecs []securecookie.Codec
	idle   time.Duration
	max    time.Duration // a logged-in session's lifetime (admin_sessions)
	secure bool          // always mark the cookie Secure, whatever the request says
}

// newSessionManager derives the signing and encryption keys from key.
func newSessionManager(key []byte, idle, max time.Duration, secure bool) *sessionManager {
	if len(key) == 0 {
		key = make([]byte, 64)
		_, _ = rand.Read(key)
	}
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	if max <= 0 {
		max = DefaultSessionMax
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	store := sessions.NewCookieStore(derive("transito session hash"), derive("transito session block")[:32])
	for _, c := range store.Codecs {
		if sc, ok := c.(*securecookie.SecureCookie); ok {
			sc.SetSerializer(securecookie.JSONEncoder{})
			sc.MaxAge(int(idle / time.Second))
		}
	}
	return &sessionManager{codecs: store.Codecs, idle: idle, max: max, secure: secure}
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// fresh is a new anonymous session with a new id and CSRF token.
func fresh() *session {
	return &session{ID: randomToken(), CSRF: randomToken(), Seen: time.Now().Unix()}
}

// load reads the session cookie; a missing, forged, expired or idle session
// becomes a fresh anonymous one.
func (m *sessionManager) load(c *fiber.Ctx) *session {
	raw := c.Cookies(SessionCookie)
	if raw == "" {
		return fresh()
	}
	s := new(session)
	if err := securecookie.DecodeMulti(SessionCookie, raw, s, m.codecs...); err != nil || s.ID == "" || s.CSRF == "" {
		return fresh()
	}
	if time.Since(time.Unix(s.Seen, 0)) > m.idle {
		return fresh()
	}
	return s
}

// save writes the session back: every response refreshes it, which makes
// the idle timeout sliding.
func (m *sessionManager) save(c *fiber.Ctx, s *session) error {
	s.Seen = time.Now().Unix()
	v, err := securecookie.EncodeMulti(SessionCookie, s, m.codecs...)
	if err == nil && len(v) > maxCookieBytes && len(s.Flashes) > 0 {
		s.Flashes = nil
		v, err = securecookie.EncodeMulti(SessionCookie, s, m.codecs...)
	}
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: v, Path: paths.Panel,
		MaxAge: int(m.idle / time.Second), HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: m.secure || c.Protocol() == "https",
	})
	return nil
}

// sessionMiddleware loads the session for every /admin request and saves it
// after the handler ran.
func (h *Handler) sessionMiddleware(c *fiber.Ctx) error {
	s := h.sessions.load(c)
	c.Locals(localsSession, s)
	c.Set(fiber.HeaderCacheControl, "no-store")
	err := c.Next()
	if s, ok := c.Locals(localsSession).(*session); ok {
		if serr := h.sessions.save(c, s); serr != nil && err == nil {
			err = serr
		}
	}
	return err
}

func sessionOf(c *fiber.Ctx) *session {
	s, _ := c.Locals(localsSession).(*session)
	if s == nil {
		s = fresh()
		c.Locals(localsSession, s)
	}
	return s
}

// rotate replaces the session with a new id and CSRF token (at login and
// logout), so that a session fixed before login is worthless after it.
func rotate(c *fiber.Ctx) *session {
	s := fresh()
	c.Locals(localsSession, s)
	return s
}

// startSession rotates the session and opens it for admin adminID in
// admin_sessions (at login, and after a password change ended the old one).
func (h *Handler) startSession(c *fiber.Ctx, adminID int64, username string) error {
	s := rotate(c)
	if err := h.store.StartAdminSession(c.UserContext(), adminID, s.ID, h.sessions.max); err != nil {
		return err
	}
	s.AdminID, s.User = adminID, username
	return nil
}

// csrfProtect refuses a state-changing request whose _csrf field or
// X-CSRF-Token header does not match the session's token. A token in the
// query string does not count.
func (h *Handler) csrfProtect(c *fiber.Ctx) error {
	switch c.Method() {
	case fiber.MethodGet, fiber.MethodHead, fiber.MethodOptions:
		return c.Next()
	}
	s := sessionOf(c)
	token := c.Get("X-CSRF-Token")
	if token == "" {
		token = bodyField(c, "_csrf")
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(s.CSRF)) != 1 {
		return web.NewProblem(fiber.StatusForbidden,
			"El formulario caducó o no es válido (token CSRF). Vuelva a cargar la página e intente de nuevo.")
	}
	return c.Next()
}

// bodyField is a field of the request body (URL-encoded or multipart), never
// of the query string: c.FormValue looks there first.
func bodyField(c *fiber.Ctx, name string) string {
	if v := c.Request().PostArgs().Peek(name); len(v) > 0 {
		return string(v)
	}
	if mf, err := c.MultipartForm(); err == nil && len(mf.Value[name]) > 0 {
		return mf.Value[name][0]
	}
	return ""
}

// requireAdmin sends requests without a logged-in administrator to the
// login page (htmx requests get HX-Redirect). The cookie alone is not
// enough: its session must be open in admin_sessions (not logged out, not
// ended by a password change or a deactivation, within the idle and maximum
// times), and its account active. The account, read afresh, is what the
// request's role checks and pages go by (currentAdmin): a change of role
// applies from the next request.
func (h *Handler) requireAdmin(c *fiber.Ctx) error {
	s := sessionOf(c)
	if s.AdminID != 0 {
		err := h.store.CheckAdminSession(c.UserContext(), s.ID, s.AdminID, h.sessions.idle, h.sessions.max)
		if err != nil && !errors.Is(err, models.ErrSessionEnded) {
			return err
		}
		if err == nil {
			a, err := h.store.AdminByID(c.UserContext(), s.AdminID)
			if err != nil && !errors.Is(err, models.ErrNotFound) {
				return err
			}
			if err == nil && a.Active {
				c.Locals(localsAdmin, a)
				return c.Next()
			}
		}
		s = rotate(c)
	}
	next := ""
	if c.Method() == fiber.MethodGet {
		next = c.OriginalURL()
	}
	if cur := c.Get("HX-Current-URL"); cur != "" && web.FromHTMX(c) {
		if u, err := url.Parse(cur); err == nil {
			next = u.RequestURI()
		}
	}
	to := paths.Login
	if next = safeNext(next); next != paths.Panel {
		to += "?next=" + url.QueryEscape(next)
	}
	if web.FromHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusUnauthorized)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}

// safeNext returns next when it is a local path of the panel, "/admin"
// otherwise: no scheme, no host, no protocol-relative or backslash tricks.
func safeNext(next string) string {
	const home = paths.Panel
	if next == "" || len(next) > 2000 || !strings.HasPrefix(next, paths.Panel) ||
		strings.ContainsAny(next, "\\\r\n\t") || strings.HasPrefix(next, "//") {
		return home
	}
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil {
		return home
	}
	if u.Path != paths.Panel && !strings.HasPrefix(u.Path, paths.Panel+"/") && !strings.HasPrefix(u.Path, paths.Panel+"?") {
		return home
	}
	if strings.HasPrefix(u.Path, paths.Login) || strings.HasPrefix(u.Path, paths.Logout) {
		return home
	}
	return next
}

// Flash messages ride in the session cookie, which a browser drops past
// 4 KiB (logging the administrator out): only the last few are kept, each
// cut to a bounded length.
const (
	maxFlashes     = 3
	maxFlashRunes  = 160
	maxCookieBytes = 3800
)

// flash queues a message for the next page the administrator sees.
func flash(c *fiber.Ctx, kind, msg string) {
	s := sessionOf(c)
	if r := []rune(msg); len(r) > maxFlashRunes {
		msg = string(r[:maxFlashRunes-1]) + "…"
	}
	s.Flashes = append(s.Flashes, views.Flash{Kind: kind, Message: msg})
	if len(s.Flashes) > maxFlashes {
		s.Flashes = s.Flashes[len(s.Flashes)-maxFlashes:]
	}
}

// redirect answers a successful POST: 303 for plain forms, HX-Redirect for htmx.
func redirect(c *fiber.Ctx, to string) error {
	if web.FromHTMX(c) {
		c.Set("HX-Redirect", to)
		return c.SendStatus(fiber.StatusOK)
	}
	return c.Redirect(to, fiber.StatusSeeOther)
}
