// Package mailer is the registry's mail transport: it reads the relay's
// address (TRANSITO_SMTP_URL) and delivers messages through it. It knows
// nothing of notifications or the outbox; the caller decides what to send
// and what to do with each message's result.
//
//	smtp://[user:pass@]host[:port]   STARTTLS when the server offers it (port 25 by default)
//	smtps://[user:pass@]host[:port]  TLS from the first byte (port 465 by default)
//
// With credentials, the client authenticates with the strongest mechanism
// the server offers; it never sends a password in the clear (PLAIN and
// LOGIN only over TLS).
package mailer

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base32"
	"errors"
	"fmt"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// Config is a parsed TRANSITO_SMTP_URL, plus what tests and deployments may
// adjust.
type Config struct {
	Host        string
	Port        int
	Username    string
	Password    string
	ImplicitTLS bool // smtps://

	// TLS verifies the server's certificate; nil means the system's roots.
	// Its ServerName defaults to Host.
	TLS *tls.Config
	// Timeout bounds the connection and each command; 0 means 30 s.
	Timeout time.Duration
	// HELO is the name the client greets the server with, e.g. the host of
	// TRANSITO_PUBLIC_URL; "" means "localhost", which some relays refuse.
	HELO string
}

// ParseURL reads a relay address: smtp://[user:pass@]host[:port] or
// smtps://… . User and password are URL-decoded (write "@" as %40). The
// error names what is wrong without repeating the password.
func ParseURL(raw string) (Config, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return Config{}, errors.New("mailer: smtp url: not a URL (want smtp://[user:pass@]host:port)")
	}
	var c Config
	switch u.Scheme {
	case "smtp":
		c.Port = 25
	case "smtps":
		c.Port, c.ImplicitTLS = 465, true
	default:
		return Config{}, fmt.Errorf("mailer: smtp url: scheme %q: want smtp or smtps", u.Scheme)
	}
	if u.Opaque != "" || (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Config{}, errors.New("mailer: smtp url: only smtp://[user:pass@]host:port, without path or query")
	}
	c.Host = u.Hostname()
	if c.Host == "" {
		return Config{}, errors.New("mailer: smtp url: host missing")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Config{}, fmt.Errorf("mailer: smtp url: port %q: want 1–65535", p)
		}
		c.Port = n
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
		if c.Username == "" {
			return Config{}, errors.New("mailer: smtp url: empty user name")
		}
	}
	return c, nil
}

// String returns the relay's address for logs, with the password hidden.
func (c Config) String() string {
	u := url.URL{Scheme: "smtp", Host: c.Host + ":" + strconv.Itoa(c.Port)}
	if c.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if c.Username != "" {
		u.User = url.UserPassword(c.Username, "xxxxx")
	}
	return u.String()
}

// Message is one mail: plain text, and HTML as its alternative when given.
type Message struct {
	// MessageID is the Message-ID header, with or without its angle
	// brackets ("<id@host>"). The caller keeps it with the message so that
	// every retry carries the same one; see NewMessageID.
	MessageID string
	From      string // an address, optionally with a name: "Tránsito <avisos@x.gob.ar>"
	To        string
	Subject   string
	Text      string
	HTML      string // optional
}

// NewMessageID returns a fresh Message-ID, <random@domain>, with 120 random
// bits.
func NewMessageID(domain string) string {
	b := make([]byte, 15)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return "<" + strings.ToLower(base32.StdEncoding.EncodeToString(b)) + "@" + domain + ">"
}

// Error is a failed delivery. Permanent means the server refused this
// message for good (a 5xx reply to its MAIL, RCPT or DATA, or a message
// that cannot be written, such as a malformed address): retrying cannot
// help. Anything else — no connection, a TLS or authentication failure, a
// 4xx reply, a timeout — may pass later and is worth retrying.
type Error struct {
	Code      int // the server's reply code (421, 451, 550, …); 0 when it did not answer one
	Permanent bool
	Err       error
}

func (e *Error) Error() string {
	kind := "temporary"
	if e.Permanent {
		kind = "permanent"
	}
	return "mailer: " + kind + " failure: " + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }

// Permanent reports whether err is a delivery failure that retrying cannot
// mend.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent
}

// Mailer sends messages through one relay. It is safe for concurrent use;
// each Send opens its own connection.
type Mailer struct {
	cfg    Config
	client *mail.Client
}

// New returns a Mailer for the relay in cfg. It does not connect.
func New(cfg Config) (*Mailer, error) {
	timeout := cfg.Timeout
	if timeout == 0 {
		timeout = 30 * time.Second
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if cfg.TLS != nil {
		tc = cfg.TLS.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = cfg.Host
	}
	opts := []mail.Option{
		mail.WithPort(cfg.Port),
		mail.WithTimeout(timeout),
		mail.WithTLSConfig(tc),
		mail.WithoutRset(), // a new MAIL may follow a delivered message directly
	}
	if cfg.HELO != "" {
		opts = append(opts, mail.WithHELO(cfg.HELO))
	}
	if cfg.ImplicitTLS {
		opts = append(opts, mail.WithSSL())
	} else {
		opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
	}
	if cfg.Username != "" {
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(cfg.Username), mail.WithPassword(cfg.Password))
	}
	c, err := mail.NewClient(cfg.Host, opts...)
	if err != nil {
		return nil, fmt.Errorf("mailer: %w", err)
	}
	return &Mailer{cfg: cfg, client: c}, nil
}

// Send delivers one message; a failure is an *Error.
func (m *Mailer) Send(ctx context.Context, msg Message) error {
	return m.SendBatch(ctx, []Message{msg})[0]
}

// SendBatch delivers msgs in order over one connection and returns one
// result per message: nil when the server accepted it, else an *Error. A
// message refused by the server does not stop the ones after it; a
// connection that fails fails every message not yet accepted.
func (m *Mailer) SendBatch(ctx context.Context, msgs []Message) []error {
	errs := make([]error, len(msgs))
	built := make([]*mail.Msg, 0, len(msgs))
	index := make([]int, 0, len(msgs))
	for i, msg := range msgs {
		b, err := build(msg)
		if err != nil {
			errs[i] = &Error{Permanent: true, Err: err}
			continue
		}
		built = append(built, b)
		index = append(index, i)
	}
	if len(built) == 0 {
		return errs
	}
	conn, err := m.client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		e := &Error{Code: replyCode(err), Err: fmt.Errorf("connect to %s: %w", m.cfg, err)}
		for _, i := range index {
			errs[i] = e
		}
		return errs
	}
	defer func() { _ = m.client.CloseWithSMTPClient(conn) }()
	batchErr := m.client.SendWithSMTPClient(conn, built...)
	for k, b := range built {
		i := index[k]
		err := b.SendError()
		if err == nil {
			err = batchErr // the connection check before the first message failed
		}
		switch {
		case b.IsDelivered():
			// Accepted: whatever failed afterwards does not undo it.
		case err == nil:
			errs[i] = &Error{Err: errors.New("not delivered")}
		default:
			code := replyCode(err)
			errs[i] = &Error{Code: code, Permanent: code >= 500 && code <= 599, Err: err}
		}
	}
	return errs
}

// build turns a Message into go-mail's form, checking its addresses.
func build(msg Message) (*mail.Msg, error) {
	id := strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(msg.MessageID), "<"), ">")
	if !strings.Contains(id, "@") || strings.ContainsAny(id, "<> \t\r\n") {
		return nil, fmt.Errorf("message id %q: want <left@right>", msg.MessageID)
	}
	m := mail.NewMsg()
	if err := m.From(msg.From); err != nil {
		return nil, fmt.Errorf("from: %w", err)
	}
	if err := m.To(msg.To); err != nil {
		return nil, fmt.Errorf("to: %w", err)
	}
	m.Subject(msg.Subject)
	m.SetMessageIDWithValue(id)
	m.SetDate()
	m.SetGenHeader("Auto-Submitted", "auto-generated") // RFC 3834: no auto-replies
	m.SetBodyString(mail.TypeTextPlain, msg.Text)
	if msg.HTML != "" {
		m.AddAlternativeString(mail.TypeTextHTML, msg.HTML)
	}
	return m, nil
}

// replyCode finds the SMTP reply code in err, or 0.
func replyCode(err error) int {
	var se *mail.SendError
	if errors.As(err, &se) && se.ErrorCode() != 0 {
		return se.ErrorCode()
	}
	var te *textproto.Error
	if errors.As(err, &te) {
		return te.Code
	}
	return 0
}
