package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gorilla/securecookie"

	"transito/handlers/web"
)

// VisitCookie is the portal's one cookie: a signed and encrypted visit
// (gorilla/securecookie) that carries the CSRF token of the portal's forms
// and, once a look-up proved the person (a plate, a document or a one-time
// link), who was proven and until when. It is HttpOnly, SameSite=Lax and
// has no Max-Age, so it ends with the browser session; the proof ends
// ProofTTL after it was given, whatever happens.
const VisitCookie = "transito_visita"

// ProofTTL is how long a proof of ownership lasts (DESIGN: the visit lasts
// at most 30 minutes).
const ProofTTL = 30 * time.Minute

// visit is what the cookie holds.
type visit struct {
	CSRF     string `json:"c"`
	PersonID int64  `json:"p,omitempty"`
	Until    int64  `json:"u,omitempty"` // unix seconds
}

// proven returns the person the visit proved, 0 when none (or expired).
func (v *visit) proven(now time.Time) int64 {
	if v.PersonID == 0 || now.Unix() >= v.Until {
		return 0
	}
	return v.PersonID
}

func newCodec(key []byte) *securecookie.SecureCookie {
	if len(key) == 0 {
		key = make([]byte, 64)
		_, _ = rand.Read(key)
	}
	derive := func(label string) []byte {
		m := hmac.New(sha256.New, key)
		m.Write([]byte(label))
		return m.Sum(nil)
	}
	sc := securecookie.New(derive("transito portal hash"), derive("transito portal block")[:32])
	sc.SetSerializer(securecookie.JSONEncoder{})
	sc.MaxAge(int(ProofTTL / time.Second))
	return sc
}

func randomToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// visitOf reads the visit cookie; ok is false when there is none (or it is
// forged or too old).
func (h *Handler) visitOf(c *fiber.Ctx) (v visit, ok bool) {
	raw := c.Cookies(VisitCookie)
	if raw == "" {
		return visit{}, false
	}
	if err := h.codec.Decode(VisitCookie, raw, &v); err != nil || v.CSRF == "" {
		return visit{}, false
	}
	return v, true
}

// ensureVisit returns the visit, starting one (and setting its cookie) when
// there is none.
func (h *Handler) ensureVisit(c *fiber.Ctx) (visit, error) {
	if v, ok := h.visitOf(c); ok {
		return v, nil
	}
	v := visit{CSRF: randomToken()}
	return v, h.saveVisit(c, v)
}

func (h *Handler) saveVisit(c *fiber.Ctx, v visit) error {
	raw, err := h.codec.Encode(VisitCookie, v)
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: VisitCookie, Value: raw, Path: "/", HTTPOnly: true,
		SameSite: fiber.CookieSameSiteLaxMode, Secure: h.cfg.SecureCookies || c.Protocol() == "https"})
	return nil
}

// prove records in the visit that it proved person, for ProofTTL.
func (h *Handler) prove(c *fiber.Ctx, personID int64) error {
	v, ok := h.visitOf(c)
	if !ok {
		v = visit{CSRF: randomToken()}
	}
	v.PersonID, v.Until = personID, time.Now().Add(ProofTTL).Unix()
	return h.saveVisit(c, v)
}

// provenPerson is the person this request's visit proved, 0 when none.
func (h *Handler) provenPerson(c *fiber.Ctx) int64 {
	v, ok := h.visitOf(c)
	if !ok {
		return 0
	}
	return v.proven(time.Now())
}

// checkCSRF refuses a form whose _csrf field (or X-CSRF-Token header) is
// not the visit's token: a 403 asking to reload the page.
func (h *Handler) checkCSRF(c *fiber.Ctx, field string) error {
	v, ok := h.visitOf(c)
	token := c.Get("X-CSRF-Token")
	if token == "" {
		token = field
	}
	if !ok || token == "" || subtle.ConstantTimeCompare([]byte(token), []byte(v.CSRF)) != 1 {
		return web.NewProblem(fiber.StatusForbidden,
			"El formulario caducó o no es válido (token CSRF). Vuelva a cargar la página e intente de nuevo.")
	}
	return nil
}
