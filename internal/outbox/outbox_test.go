package outbox_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/mailer"
	"transito/internal/outbox"
	"transito/internal/smtptest"
	"transito/internal/testenv"
	"transito/models"
)

func relay(t testing.TB, srv *smtptest.Server) *mailer.Mailer {
	cfg, err := mailer.ParseURL(srv.URL())
	if err == nil {
		cfg.Timeout = 5 * time.Second
		var m *mailer.Mailer
		if m, err = mailer.New(cfg); err == nil {
			return m
		}
	}
	panic(err)
}

func pending(t *testing.T, s *models.Store) []models.Notification {
	t.Helper()
	page, err := s.ListNotifications(context.Background(), models.ListQuery{PerPage: 100})
	if err != nil {
		t.Fatal(err)
	}
	return page.Items
}

// The demo's events wrote their mails to the outbox; one round delivers
// them all — plain text and HTML, in Spanish, naming the fine, pointing to
// the portal, never with a payment link — and records them as sent.
func TestMailerDeliversTheOutbox(t *testing.T) {
	e := testenv.Demo(t, handlers.Config{})
	srv := smtptest.Start(t, smtptest.Options{})
	want := len(pending(t, e.Store))
	if want == 0 {
		t.Fatal("the demo wrote no notifications")
	}
	m := outbox.New(e.Store, relay(t, srv), outbox.Config{From: "Tránsito <avisos@transito.example.gob.ar>"})
	if n, err := m.Round(context.Background()); err != nil || n != want {
		t.Fatalf("round: %d, %v; want %d", n, err, want)
	}
	got := srv.Wait(t, want, 5*time.Second)
	ids := map[string]bool{}
	for _, msg := range got {
		ids[msg.MessageID] = true
		if msg.Text == "" || !strings.Contains(msg.HTML, "<p>") || !strings.Contains(msg.Text, "http://localhost:8000/") {
			t.Errorf("mail %q: want text and HTML pointing to the portal", msg.Subject)
		}
		if !strings.Contains(msg.Text, "nunca incluye enlaces de pago") || strings.Contains(strings.ToLower(msg.Text), "pagos.") {
			t.Errorf("mail %q: the payment-link warning is missing", msg.Subject)
		}
		if !strings.Contains(msg.HTML, `<a href="http://localhost:8000/`) {
			t.Errorf("mail %q: the HTML does not link to the portal", msg.Subject)
		}
	}
	if len(ids) != want {
		t.Errorf("%d distinct Message-IDs for %d mails", len(ids), want)
	}
	for _, n := range pending(t, e.Store) {
		if n.SentAt == nil || n.Attempts != 1 || !ids[n.MessageID] {
			t.Errorf("notification %d: sent_at %v, attempts %d", n.ID, n.SentAt, n.Attempts)
		}
	}
	if n, err := m.Round(context.Background()); n != 0 || err != nil {
		t.Errorf("a second round sent %d (%v)", n, err)
	}
	if len(srv.Messages()) != want {
		t.Errorf("%d messages, want %d: one was sent twice", len(srv.Messages()), want)
	}
}

// A relay that answers 451 leaves the mail failing, with its error and a
// later attempt; the retry carries the same Message-ID.
func TestMailerRetriesWithBackoffAndTheSameMessageID(t *testing.T) {
	e := testenv.New(t, testenv.WithRegistry())
	srv := smtptest.Start(t, smtptest.Options{})
	ctx := context.Background()
	if err := e.Store.RequestAccessLink(ctx, pendingEmail(t, e)); err != nil {
		t.Fatal(err)
	}
	clock := time.Now()
	m := outbox.New(e.Store, relay(t, srv), outbox.Config{From: "avisos@example.com", Now: func() time.Time { return clock }})
	srv.FailNext(1, 451, "try again later")
	if _, err := m.Round(ctx); err != nil {
		t.Fatal(err)
	}
	ns := pending(t, e.Store)
	if len(ns) != 1 || ns[0].SentAt != nil || ns[0].Attempts != 1 || !strings.Contains(ns[0].LastError, "451") {
		t.Fatalf("after a 451: %+v", ns)
	}
	if d := ns[0].NextAttemptAt.Sub(clock); d < 50*time.Second || d > 70*time.Second {
		t.Errorf("next attempt in %s, want about a minute", d)
	}
	if n, _ := m.Round(ctx); n != 0 {
		t.Error("retried before its time")
	}
	clock = clock.Add(2 * time.Minute)
	if n, err := m.Round(ctx); n != 1 || err != nil {
		t.Fatalf("retry: %d %v", n, err)
	}
	got := srv.Wait(t, 1, 5*time.Second)
	if got[0].MessageID != ns[0].MessageID {
		t.Errorf("retry Message-ID %q, first %q", got[0].MessageID, ns[0].MessageID)
	}
	if ns := pending(t, e.Store); ns[0].SentAt == nil || ns[0].Attempts != 2 || ns[0].LastError != "" {
		t.Errorf("after the retry: %+v", ns[0])
	}
	if outbox.Retry(1) != time.Minute || outbox.Retry(3) != 4*time.Minute || outbox.Retry(50) != 6*time.Hour {
		t.Errorf("backoff %s %s %s", outbox.Retry(1), outbox.Retry(3), outbox.Retry(50))
	}
}

func pendingEmail(t *testing.T, e *testenv.Env) string {
	t.Helper()
	p, err := e.Store.PersonByID(context.Background(), 1)
	if err != nil {
		t.Fatal(err)
	}
	return p.Email
}

func TestHTMLIsEscaped(t *testing.T) {
	h := outbox.HTML("<Asunto>", "Hola, <b>Ana</b> & co:\nvea http://x.test/a?b=1&c=2\n\nfin")
	for _, want := range []string{"&lt;b&gt;Ana&lt;/b&gt; &amp; co:<br>", `<a href="http://x.test/a?b=1&amp;c=2">`, "<p>fin</p>", "<title>&lt;Asunto&gt;</title>"} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %q: %s", want, h)
		}
	}
}

// While the officers' writes are under way (Busy), the mailer pauses for
// Poll before each batch instead of sending the next at once; when they
// stop, it sends the rest without waiting.
func TestMailerPacesItselfWhileOfficersWrite(t *testing.T) {
	e := testenv.New(t)
	srv := smtptest.Start(t, smtptest.Options{})
	mails := make([]models.Mail, 5)
	for i := range mails {
		mails[i] = models.Mail{To: "ana@example.com", Kind: "prueba", Subject: "Aviso", Body: "Hola"}
	}
	if err := e.Store.QueueMails(context.Background(), mails); err != nil {
		t.Fatal(err)
	}
	asked := make(chan struct{})
	calls := 0
	busy := func() bool { // not busy for the first batch, busy from the second on
		if calls++; calls == 2 {
			close(asked)
		}
		return calls >= 2
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		outbox.New(e.Store, relay(t, srv), outbox.Config{From: "avisos@example.com", Batch: 2, Lease: time.Minute, Poll: time.Hour,
			Busy: busy}).Run(ctx)
	}()
	select {
	case <-asked: // the first batch is sent, the second claimed: the mailer now waits its Poll
	case <-time.After(10 * time.Second):
	}
	cancel()
	<-done
	if n := len(srv.Messages()); n != 2 {
		t.Fatalf("while busy, %d mails sent before the pause, want one batch of 2", n)
	}
	// The batch claimed before the pause stays leased until its lease ends.
	later := func() time.Time { return time.Now().Add(2 * time.Minute) }
	m := outbox.New(e.Store, relay(t, srv), outbox.Config{From: "avisos@example.com", Batch: 2, Poll: time.Hour, Now: later,
		Busy: func() bool { return false }})
	ctx, cancel = context.WithCancel(context.Background())
	done = make(chan struct{})
	go func() {
		defer close(done)
		m.Run(ctx)
	}()
	defer func() { cancel(); <-done }()
	srv.Wait(t, 5, 10*time.Second) // not busy: the rest without the hour's pause
}
