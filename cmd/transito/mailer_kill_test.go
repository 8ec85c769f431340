package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"transito/internal/smtptest"
	"transito/internal/testdb"
	"transito/models"
)

// startMailing runs `transito serve` on db with the mailer pointed at srv.
func startMailing(t *testing.T, db string, srv *smtptest.Server) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(binPath, "serve", "--addr", "127.0.0.1:0", "--db", db)
	cmd.Env = append(os.Environ(), "TRANSITO_LOG_LEVEL=warn", "TRANSITO_SMTP_URL="+srv.URL(),
		"TRANSITO_MAIL_FROM=avisos@example.com", "TRANSITO_MAIL_LEASE=2s", "TRANSITO_ADMIN_PASSWORD=clave-de-prueba-123")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if strings.HasPrefix(sc.Text(), "Tránsito escuchando") {
				close(ready)
			}
		}
		io.Copy(io.Discard, stdout)
	}()
	select {
	case <-ready:
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("server did not start\n%s", stderr.String())
	}
	return cmd
}

// The mailer of a process killed with SIGKILL in the middle of sending
// loses nothing: after a restart every queued mail is delivered, and none
// that was recorded as sent before the kill goes out again (a mail the
// relay took but the dead process had not recorded may go out twice, with
// the same Message-ID).
func TestMailerSurvivesSIGKILL(t *testing.T) {
	db := testdb.DSN(t)
	ctx := context.Background()
	store, err := openStore(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	const total = 3000
	mails := make([]models.Mail, total)
	for i := range mails {
		mails[i] = models.Mail{To: fmt.Sprintf("p%d@example.com", i), Kind: "prueba", Subject: fmt.Sprintf("Aviso %d", i), Body: "Hola."}
	}
	if err := store.QueueMails(ctx, mails); err != nil {
		t.Fatal(err)
	}
	srv := smtptest.Start(t, smtptest.Options{})
	cmd := startMailing(t, db, srv)
	deadline := time.Now().Add(60 * time.Second)
	for len(srv.Messages()) < total/5 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = cmd.Wait()
	before := len(srv.Messages())
	if before >= total {
		t.Skip("the mailer sent everything before the kill: nothing to recover")
	}
	sentAtKill := map[string]bool{}
	page, err := store.ListNotifications(ctx, models.ListQuery{PerPage: total, Filters: map[string]string{"estado": models.NoticeSent}})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range page.Items {
		sentAtKill[n.MessageID] = true
	}
	t.Logf("killed after %d deliveries, %d recorded as sent", before, len(sentAtKill))

	cmd = startMailing(t, db, srv)
	defer func() { cmd.Process.Kill(); _ = cmd.Wait() }()
	deadline = time.Now().Add(90 * time.Second)
	for {
		counts, err := store.NotificationCounts(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if counts[models.NoticeSent] == total {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the restart: %v, want all %d sent", counts, total)
		}
		time.Sleep(50 * time.Millisecond)
	}
	delivered := map[string]int{}
	for _, m := range srv.Messages() {
		delivered[m.MessageID]++
	}
	if len(delivered) != total {
		t.Errorf("%d distinct mails delivered, want %d", len(delivered), total)
	}
	for _, m := range srv.Messages()[before:] {
		if sentAtKill[m.MessageID] {
			t.Errorf("%s was recorded as sent before the kill and went out again", m.MessageID)
		}
	}
	twice := 0
	for _, n := range delivered {
		if n > 1 {
			twice++
		}
	}
	t.Logf("%d mails went out twice (taken by the relay, not yet recorded when the process died)", twice)
}
