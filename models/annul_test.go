package models

import (
	"context"
	"errors"
	"testing"
	"time"

	"transito/models/rules"
)

// Several infractions are annulled all or none: one already annulled keeps
// the others as they were, and the error names it; the public reason is
// stored beside the internal one and reaches the report rows.
func TestAnnulAllOrNothing(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	at := time.Now().Add(-time.Hour)
	a, b, done := e.infraction(at), e.infraction(at.Add(-time.Minute)), e.infraction(at.Add(-2*time.Minute))
	if err := e.s.VoidInfraction(ctx, done, "duplicada", CLIActor); err != nil {
		t.Fatal(err)
	}
	err := e.s.Annul(ctx, []int64{a, done, b}, rules.VoidInput{Reason: "lote erróneo"}, CLIActor)
	var ae *AnnulError
	var ce *ConflictError
	if !errors.As(err, &ae) || ae.ID != done || !errors.As(err, &ce) {
		t.Fatalf("err = %v, want an AnnulError naming %d", err, done)
	}
	for _, id := range []int64{a, b} {
		i, err := e.s.InfractionByID(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		if i.Status != StatusValid {
			t.Errorf("infraction %d is %s after a refused batch", id, i.Status)
		}
	}
	if err := e.s.Annul(ctx, []int64{a, b}, rules.VoidInput{Reason: "  lote erróneo ", PublicReason: " Error de carga. "}, CLIActor); err != nil {
		t.Fatal(err)
	}
	_, rows, err := e.s.Report(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range rows {
		if r.ID == a || r.ID == b {
			n++
			if r.Status != StatusVoided || r.VoidReason != "lote erróneo" || r.VoidPublicReason != "Error de carga." {
				t.Errorf("row %d: %s %q %q", r.ID, r.Status, r.VoidReason, r.VoidPublicReason)
			}
		}
	}
	if n != 2 {
		t.Errorf("%d of the batch in the report", n)
	}
	var fe rules.FieldErrors
	if err := e.s.Annul(ctx, []int64{done}, rules.VoidInput{Reason: " "}, CLIActor); !errors.As(err, &fe) || fe[rules.FieldVoidReason] == "" {
		t.Errorf("blank reason: %v", err)
	}
}
