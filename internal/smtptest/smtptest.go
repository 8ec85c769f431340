// Package smtptest runs a real SMTP server (github.com/emersion/go-smtp) on
// 127.0.0.1 for tests: it records every message it accepts — envelope,
// headers, decoded text and HTML parts — and can offer STARTTLS or speak
// TLS from the start (with a certificate made for the test), require AUTH
// PLAIN, and refuse the next deliveries with a chosen reply.
package smtptest

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"math/big"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Options choose what the server offers.
type Options struct {
	StartTLS    bool   // offer STARTTLS
	ImplicitTLS bool   // speak TLS from the first byte (smtps)
	Username    string // when set, require AUTH PLAIN with Username and Password before MAIL
	Password    string
	// Discard keeps no message: each accepted one is only counted (Count)
	// and reported to Accepted, when set. A sink for benchmarks.
	Discard  bool
	Accepted func()
}

// Message is one accepted message.
type Message struct {
	From      string      // envelope sender (MAIL FROM)
	To        []string    // envelope recipients (RCPT TO)
	Helo      string      // the name the client greeted with (HELO/EHLO)
	AuthUser  string      // who authenticated, "" if nobody did
	TLS       bool        // whether it arrived over TLS
	Header    mail.Header // the message's headers, as written
	Subject   string      // the Subject header, decoded (RFC 2047)
	MessageID string      // the Message-ID header, as written
	Text      string      // the text/plain part, decoded
	HTML      string      // the text/html part, decoded
	Raw       []byte      // the message as received
}

// Server is a running test server.
type Server struct {
	Addr string // host:port on 127.0.0.1

	opts Options
	srv  *smtp.Server
	cert *x509.Certificate

	mu       sync.Mutex
	messages []Message
	failN    int
	failErr  *smtp.SMTPError
	arrived  chan struct{}
	count    int
	done     chan struct{}
}

// Start runs a server for the rest of t (it stops on t.Cleanup).
func Start(t testing.TB, opts Options) *Server {
	t.Helper()
	s, err := Listen("127.0.0.1:0", opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Listen runs a server on addr until Close, outside a test (bench/smtpsink).
func Listen(addr string, opts Options) (*Server, error) {
	s := &Server{opts: opts, arrived: make(chan struct{}, 1), done: make(chan struct{})}
	var tlsConfig *tls.Config
	if opts.StartTLS || opts.ImplicitTLS {
		cert, leaf, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("smtptest: certificate: %w", err)
		}
		s.cert = leaf
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	s.srv = smtp.NewServer(smtp.BackendFunc(func(c *smtp.Conn) (smtp.Session, error) {
		return &session{s: s, conn: c}, nil
	}))
	s.srv.Domain = "localhost"
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.MaxRecipients = 50
	s.srv.AllowInsecureAuth = !opts.StartTLS && !opts.ImplicitTLS
	s.srv.EnableSMTPUTF8 = true
	var l net.Listener
	var err error
	if opts.ImplicitTLS {
		l, err = tls.Listen("tcp", addr, tlsConfig)
	} else {
		s.srv.TLSConfig = tlsConfig // nil: no STARTTLS
		l, err = net.Listen("tcp", addr)
	}
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	s.Addr = l.Addr().String()
	go func() {
		defer close(s.done)
		_ = s.srv.Serve(l) // returns when closed
	}()
	return s, nil
}

// Close stops the server and waits until it has.
func (s *Server) Close() error {
	err := s.srv.Close()
	<-s.done
	return err
}

// URL returns the server's address as TRANSITO_SMTP_URL writes it, with the
// credentials of Options.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.Addr}
	if s.opts.ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.opts.Username != "" {
		u.User = url.UserPassword(s.opts.Username, s.opts.Password)
	}
	return u.String()
}

// ClientTLS returns a client TLS configuration that trusts the server's
// certificate (nil when the server has no TLS).
func (s *Server) ClientTLS() *tls.Config {
	if s.cert == nil {
		return nil
	}
	pool := x509.NewCertPool()
	pool.AddCert(s.cert)
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
}

// FailNext makes the next n deliveries fail at the end of DATA with the
// reply code and text, e.g. FailNext(1, 451, "try again later") or
// FailNext(1, 550, "mailbox unavailable"). Those messages are not recorded.
func (s *Server) FailNext(n, code int, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN = n
	s.failErr = &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCodeNotSet, Message: text}
}

// Messages returns a copy of the messages accepted so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.messages...)
}

// Count returns how many messages were accepted so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.count
}

// Wait returns once n messages have been accepted, or fails t after timeout.
func (s *Server) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		if m := s.Messages(); len(m) >= n {
			return m
		}
		select {
		case <-s.arrived:
		case <-deadline:
			t.Fatalf("smtptest: %d messages after %s, want %d", len(s.Messages()), timeout, n)
		}
	}
}

func (s *Server) accept(m Message) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN > 0 {
		s.failN--
		return s.failErr
	}
	s.count++
	if s.opts.Accepted != nil {
		s.opts.Accepted()
	}
	if !s.opts.Discard {
		s.messages = append(s.messages, m)
	}
	select {
	case s.arrived <- struct{}{}:
	default:
	}
	return nil
}

// session is one SMTP connection's state.
type session struct {
	s        *Server
	conn     *smtp.Conn
	authUser string
	from     string
	to       []string
}

var _ smtp.AuthSession = (*session)(nil)

func (se *session) AuthMechanisms() []string {
	if se.s.opts.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if mech != sasl.Plain || se.s.opts.Username == "" {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		if (identity != "" && identity != username) || username != se.s.opts.Username || password != se.s.opts.Password {
			return smtp.ErrAuthFailed
		}
		se.authUser = username
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.s.opts.Username != "" && se.authUser == "" {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	if se.s.opts.Discard {
		if _, err := io.Copy(io.Discard, r); err != nil {
			return err
		}
		return se.s.accept(Message{})
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	_, isTLS := se.conn.TLSConnectionState()
	m := Message{From: se.from, To: append([]string(nil), se.to...), Helo: se.conn.Hostname(), AuthUser: se.authUser, TLS: isTLS, Raw: raw}
	if err := parse(&m); err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0}, Message: "smtptest: " + err.Error()}
	}
	return se.s.accept(m)
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// parse fills in the headers and decoded parts of m.Raw.
func parse(m *Message) error {
	msg, err := mail.ReadMessage(bytes.NewReader(m.Raw))
	if err != nil {
		return fmt.Errorf("read message: %w", err)
	}
	m.Header = msg.Header
	m.MessageID = msg.Header.Get("Message-ID")
	if m.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return fmt.Errorf("subject: %w", err)
	}
	return readPart(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
}

func readPart(m *Message, contentType, encoding string, body io.Reader) error {
	if contentType == "" {
		contentType = "text/plain"
	}
	media, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return fmt.Errorf("content type %q: %w", contentType, err)
	}
	if strings.HasPrefix(media, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextPart() // decodes quoted-printable itself
			if errors.Is(err, io.EOF) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("multipart: %w", err)
			}
			if err := readPart(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p); err != nil {
				return err
			}
		}
	}
	switch strings.ToLower(encoding) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fmt.Errorf("%s part: %w", media, err)
	}
	switch media {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
	return nil
}

// selfSigned makes a certificate for 127.0.0.1 and localhost, valid for a
// day.
func selfSigned() (tls.Certificate, *x509.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	serial, err := rand.Int(rand.Reader, big.NewInt(1<<62))
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "smtptest"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		DNSNames:              []string{"localhost"},
		IPAddresses:           []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	leaf, err := x509.ParseCertificate(der)
	if err != nil {
		return tls.Certificate{}, nil, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, leaf, nil
}
