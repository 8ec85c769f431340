package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"transito/models/fines"
	"transito/models/rules"
)

var ba = func() *time.Location {
	loc, err := time.LoadLocation("America/Argentina/Buenos_Aires")
	if err != nil {
		panic(err)
	}
	return loc
}()

// finesEnv is a store with a small registry, an officer, a catalogue of
// three types (LEVE-1, GRAVE-1, INACT-1 inactive) and a unit value of
// $ 1.000,00 since 2020, in Buenos Aires time.
type finesEnv struct {
	s       *Store
	officer *Officer
	t       *testing.T
}

func newFinesEnv(t *testing.T) *finesEnv {
	t.Helper()
	s, _ := newTestStoreDSN(t)
	return setUpFines(t, s)
}

func setUpFines(t *testing.T, s *Store) *finesEnv {
	t.Helper()
	ctx := context.Background()
	s.SetLocale(Locale{Location: ba, PublicURL: "https://transito.example.gob.ar/"})
	mustImport(t, s, "nombre,email,placa_patente,marca,color\nAna,ana@example.com,AB123CD,Fiat,Rojo\nBruno,bruno@example.com,XY987ZW,Ford,Gris\n")
	o, err := s.CreateOfficer(ctx, rules.OfficerInput{Name: "Oficial Uno", Badge: "B1", Active: true}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range []rules.InfractionTypeInput{
		{Code: "LEVE-1", Description: "Estacionar mal", LegalRef: "art. 49", Severity: "leve", Units: 50, Points: 0, Active: true},
		{Code: "GRAVE-1", Description: "Semáforo en rojo", LegalRef: "art. 77 inc. m", Severity: "grave", Units: 300, Points: 5, Active: true},
		{Code: "INACT-1", Description: "Derogado", Severity: "leve", Units: 10, Active: false},
	} {
		if _, err := s.CreateInfractionType(ctx, in, CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SetUnitValue(ctx, rules.UnitValueInput{From: fines.NewDate(2020, 1, 1), Cents: 100000}, CLIActor); err != nil {
		t.Fatal(err)
	}
	return &finesEnv{s: s, officer: o, t: t}
}

// infraction registers one on AB123CD (Ana's) that occurred at at,
// sin tipificar, and returns its id.
func (e *finesEnv) infraction(at time.Time) int64 {
	e.t.Helper()
	id, err := e.s.CreateInfraction(context.Background(), rules.InfractionInput{Plate: "AB123CD", Badge: "B1", OccurredAt: at}, CLIActor)
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// issued registers one and classifies it with code at issuedAt.
func (e *finesEnv) issued(code string, occurred, issuedAt time.Time) int64 {
	e.t.Helper()
	id := e.infraction(occurred)
	if _, err := e.s.classifyAt(context.Background(), id, code, issuedAt, CLIActor); err != nil {
		e.t.Fatal(err)
	}
	return id
}

func (e *finesEnv) row(id int64) *InfractionDetail {
	e.t.Helper()
	d, err := e.s.InfractionByID(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return d
}

func (e *finesEnv) notifications(id int64) []Notification {
	e.t.Helper()
	ns, err := e.s.NotificationsOf(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return ns
}

func localTime(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ba)
	if err != nil {
		panic(err)
	}
	return t
}

func TestCatalogueTypes(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	_, err := e.s.CreateInfractionType(ctx, rules.InfractionTypeInput{Code: "leve-1", Description: "Otro", Severity: "leve", Units: 1}, CLIActor)
	var ce *ConflictError
	if !errors.As(err, &ce) || ce.Field != rules.FieldCode {
		t.Fatalf("duplicate code: %v, want a conflict on codigo", err)
	}
	_, err = e.s.CreateInfractionType(ctx, rules.InfractionTypeInput{}, CLIActor)
	var fe rules.FieldErrors
	if !errors.As(err, &fe) || fe[rules.FieldCode] == "" || fe[rules.FieldUnits] == "" {
		t.Fatalf("empty type: %v", err)
	}
	res, err := e.s.ListInfractionTypes(ctx, ListQuery{Filters: map[string]string{rules.FieldActive: "1"}})
	if err != nil || res.Total != 2 || res.Items[0].Code != "GRAVE-1" {
		t.Fatalf("active types: %+v %v", res, err)
	}
	it := res.Items[0]
	if it.InUse {
		t.Error("GRAVE-1 in use before any infraction has it")
	}
	e.issued("GRAVE-1", time.Now().Add(-time.Hour), time.Now())
	in := rules.InfractionTypeInput{Code: it.Code, Description: it.Description, LegalRef: it.LegalRef, Severity: it.Severity, Units: 400, Points: it.Points, Active: false}
	if _, err := e.s.UpdateInfractionType(ctx, it.ID, in, CLIActor); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.InfractionTypeByID(ctx, it.ID)
	if err != nil || got.Active || got.Units != 400 || got.Uses != 1 || !got.InUse {
		t.Fatalf("after the update: %+v %v", got, err)
	}
	var detail string
	if err := e.s.readers.NewSelect().Table("audit_log").Column("detail").Where("entity = 'infraction_type' AND action = 'update'").Scan(ctx, &detail); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(detail, `"unidades":[300,400]`) || !strings.Contains(detail, `"activo":[true,false]`) {
		t.Errorf("audit detail %s", detail)
	}
	// The fine issued before keeps its units and amount.
	rows, err := e.s.ListInfractions(ctx, ListQuery{}, ba, time.Now())
	if err != nil || rows.Items[0].Units != 300 || rows.Items[0].AmountCents != 30000000 {
		t.Errorf("issued fine after the type changed: %+v %v", rows.Items, err)
	}
	if _, err := e.s.Tariff(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.classifyAt(ctx, e.infraction(time.Now().Add(-time.Hour)), "GRAVE-1", time.Now(), CLIActor); !errors.As(err, &fe) || !strings.Contains(fe[rules.FieldCode], "de baja") {
		t.Errorf("classify with a deactivated type: %v", err)
	}
}

func TestImportCatalog(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	bad := "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\nNUEVO-1,Nuevo,art. 1,leve,10,0\nGRAVE-1,Semáforo,art. 77,media,300,5\n"
	_, err := e.s.ImportCatalog(ctx, strings.NewReader(bad), CLIActor)
	var inv *ImportInvalidError
	if !errors.As(err, &inv) || len(inv.Errors) != 1 || inv.Errors[0].Line != 3 || inv.Errors[0].Field != rules.FieldSeverity {
		t.Fatalf("bad file: %v", err)
	}
	if n := count(t, e.s, "infraction_types"); n != 3 {
		t.Fatalf("a refused file wrote: %d types", n)
	}
	good := "codigo,descripcion,referencia_legal,gravedad,unidades,puntos\nNUEVO-1,Nuevo,art. 1,leve,10,0\ngrave-1,Semáforo en rojo,art. 77 inc. m,grave,350,5\nLEVE-1,Estacionar mal,art. 49,leve,50,0\n"
	res, err := e.s.ImportCatalog(ctx, strings.NewReader(good), CLIActor)
	if err != nil || *res != (CatalogImportResult{Created: 1, Updated: 1, Unchanged: 1}) {
		t.Fatalf("import: %+v %v", res, err)
	}
	tf, err := e.s.Tariff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if it, ok := tf.TypeByCode("GRAVE-1"); !ok || it.Units != 350 || !it.Active {
		t.Errorf("GRAVE-1 after the import: %+v", it)
	}
	if it, ok := tf.TypeByCode("INACT-1"); !ok || it.Active {
		t.Errorf("a type missing from the file changed: %+v", it)
	}
}

func TestTariffChangeFromAnotherProcessIsSeen(t *testing.T) {
	s, dsn := newTestStoreDSN(t)
	e := setUpFines(t, s)
	other, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	first, err := e.s.Tariff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := other.SetUnitValue(ctx, rules.UnitValueInput{From: fines.NewDate(2021, 1, 1), Cents: 200000}, CLIActor); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		tf, err := e.s.Tariff(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if v, _ := tf.UnitValueOn(fines.NewDate(2022, 1, 1)); v == 200000 {
			if tf.Version == first.Version {
				t.Error("the tariff changed but its version did not")
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("the other process's unit value is not seen after 5 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func TestFinesSettingsAreStored(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	s, err := e.s.FinesSettings(ctx)
	if err != nil || s != fines.DefaultSettings() {
		t.Fatalf("settings of a new database: %+v %v", s, err)
	}
	s.DiscountPct, s.DueDays = 30, 90
	if err := e.s.SetFinesSettings(ctx, s, CLIActor); err != nil {
		t.Fatal(err)
	}
	got, err := e.s.FinesSettings(ctx)
	if err != nil || got != s {
		t.Errorf("stored %+v, read %+v %v", s, got, err)
	}
	s.DiscountPct = 100
	var fe rules.FieldErrors
	if err := e.s.SetFinesSettings(ctx, s, CLIActor); !errors.As(err, &fe) || fe[fines.SettingDiscountPct] == "" {
		t.Errorf("out of range: %v", err)
	}
}

func TestRecorderIssuesAndNotifies(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	r, err := e.s.NewRecorder(RecorderOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close(ctx)
	tf, err := e.s.Tariff(ctx)
	if err != nil {
		t.Fatal(err)
	}
	at := localTime("2026-03-01 10:00")
	issue, err := tf.Issue("grave-1", at, ba)
	if err != nil || issue.AmountCents != 30000000 || issue.Points != 5 {
		t.Fatalf("issue: %+v %v", issue, err)
	}
	lat, lon := -34.6037, -58.3816
	auth := OfficerAuth{OfficerID: e.officer.ID, Name: e.officer.Name, Badge: e.officer.Badge, Active: true}
	rec, err := r.Record(ctx, RecordRequest{Officer: auth, Plate: "AB123CD", OccurredAt: at.Add(-time.Hour), Issue: issue,
		Place: rules.Place{Lat: &lat, Lon: &lon, Description: "Av. Corrientes 1200"}})
	if err != nil {
		t.Fatal(err)
	}
	got := e.row(rec.Infraction.ID)
	if got.Code != "GRAVE-1" || got.AmountCents != 30000000 || got.Units != 300 || got.IssuedAt == nil || !got.IssuedAt.Equal(at) ||
		*got.Latitude != lat || got.Place != "Av. Corrientes 1200" {
		t.Errorf("stored %+v", got.InfractionRow)
	}
	ns := e.notifications(rec.Infraction.ID)
	if len(ns) != 1 {
		t.Fatalf("%d notifications, want 1", len(ns))
	}
	n := ns[0]
	for _, want := range []string{fmt.Sprintf("n.º %d", rec.Infraction.ID), "AB123CD", "GRAVE-1", "$ 300.000,00", "$ 150.000,00", "21/03/2026",
		"30/04/2026", "https://transito.example.gob.ar/", "Av. Corrientes 1200"} {
		if !strings.Contains(n.Subject+n.Body, want) {
			t.Errorf("notification lacks %q:\n%s\n%s", want, n.Subject, n.Body)
		}
	}
	if n.ToEmail != "ana@example.com" || n.Kind != NoticeIssued || n.SentAt != nil || !strings.HasPrefix(n.MessageID, "<") ||
		strings.Contains(strings.ToLower(n.Body), "pagar aquí") {
		t.Errorf("notification %+v", n)
	}
	plain, err := r.Record(ctx, RecordRequest{Officer: auth, Plate: "XY987ZW", OccurredAt: at})
	if err != nil {
		t.Fatal(err)
	}
	if len(e.notifications(plain.Infraction.ID)) != 0 || e.row(plain.Infraction.ID).Issued() {
		t.Error("an infraction sin tipificar was issued or notified")
	}
}

func TestClassifyInfraction(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	id := e.infraction(time.Now().Add(-2 * time.Hour))
	if _, err := e.s.ClassifyInfraction(ctx, id, "NO-EXISTE", CLIActor); !isFieldError(err, rules.FieldCode) {
		t.Errorf("unknown code: %v", err)
	}
	issue, err := e.s.ClassifyInfraction(ctx, id, "leve-1", CLIActor)
	if err != nil || issue.AmountCents != 5000000 {
		t.Fatalf("classify: %+v %v", issue, err)
	}
	if got := e.row(id); got.Code != "LEVE-1" || got.AmountCents != 5000000 || got.IssuedAt == nil {
		t.Errorf("after classifying: %+v", got.InfractionRow)
	}
	if ns := e.notifications(id); len(ns) != 1 || ns[0].ToEmail != "ana@example.com" {
		t.Errorf("notifications %+v", ns)
	}
	var ce *ConflictError
	if _, err := e.s.ClassifyInfraction(ctx, id, "GRAVE-1", CLIActor); !errors.As(err, &ce) {
		t.Errorf("classify twice: %v", err)
	}
	voided := e.infraction(time.Now().Add(-time.Hour))
	if err := e.s.VoidInfraction(ctx, voided, "error de carga", CLIActor); err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.ClassifyInfraction(ctx, voided, "LEVE-1", CLIActor); !errors.As(err, &ce) {
		t.Errorf("classify an annulled one: %v", err)
	}
	// Before the first unit value nothing can be issued.
	early := e.infraction(time.Date(2019, 6, 1, 12, 0, 0, 0, ba))
	if _, err := e.s.classifyAt(ctx, early, "LEVE-1", time.Date(2019, 6, 2, 12, 0, 0, 0, ba), CLIActor); !isFieldError(err, rules.FieldCode) {
		t.Errorf("no unit value in force: %v", err)
	}
	if e.row(early).Issued() {
		t.Error("refused, but issued")
	}
}

func isFieldError(err error, field string) bool {
	var fe rules.FieldErrors
	return errors.As(err, &fe) && fe[field] != ""
}

// A payment in the minute the fine was issued is not "before the issue",
// though its time, given to the minute or to the second, precedes the
// issue's: the panel's form and the provider give no finer time.
func TestPaymentInTheMinuteOfIssue(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	issuedAt := localTime("2026-03-01 10:00").Add(42*time.Second + 500*time.Millisecond)
	id := e.issued("GRAVE-1", issuedAt.Add(-time.Hour), issuedAt)
	pay := func(ref string, at time.Time) error {
		_, err := e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: id, AmountCents: 15000000, Method: "transferencia", Reference: ref, PaidAt: at}, CLIActor)
		return err
	}
	if err := pay("T-0", localTime("2026-03-01 09:59")); !isFieldError(err, rules.FieldPaidAt) {
		t.Errorf("paid the minute before the issue: %v", err)
	}
	if err := pay("T-1", issuedAt.Truncate(time.Second).Add(-10*time.Second)); err != nil {
		t.Fatalf("paid in the minute of the issue: %v", err)
	}
	if got := e.row(id); got.Status != StatusPaid {
		t.Errorf("status %s, want pagada", got.Status)
	}
}

func TestRecordPayment(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	issuedAt := localTime("2026-03-01 10:00")
	id := e.issued("GRAVE-1", issuedAt.Add(-time.Hour), issuedAt)
	pay := func(cents int64, ref, when string) (*PaymentResult, error) {
		return e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: id, AmountCents: cents, Method: "transferencia", Reference: ref, PaidAt: localTime(when)}, CLIActor)
	}
	// On 2026-03-25 the discount (until 03-21) is over: the full $ 300.000.
	_, err := pay(15000000, "T-1", "2026-03-25 09:00")
	var ae *AmountError
	if !errors.As(err, &ae) || ae.Expected != 30000000 || ae.On != fines.NewDate(2026, 3, 25) || !strings.Contains(ae.Message("ARS"), "$ 300.000,00") {
		t.Fatalf("wrong amount: %v", err)
	}
	if _, err := pay(30000000, "T-1", "2026-02-28 09:00"); !isFieldError(err, rules.FieldPaidAt) {
		t.Errorf("paid before issue: %v", err)
	}
	if n := count(t, e.s, "payments"); n != 0 {
		t.Fatalf("refused payments wrote %d rows", n)
	}
	// On the last day of the discount (2026-03-21, 23:30 local) half.
	res, err := pay(15000000, "T-1", "2026-03-21 23:30")
	if err != nil || res.Replayed || res.Payment.AmountCents != 15000000 {
		t.Fatalf("payment: %+v %v", res, err)
	}
	if got := e.row(id); got.Status != StatusPaid {
		t.Errorf("status %s, want pagada", got.Status)
	}
	ns := e.notifications(id)
	if len(ns) != 2 || ns[1].Kind != NoticePayment || !strings.Contains(ns[1].Body, "$ 150.000,00") {
		t.Errorf("notifications %+v", ns)
	}
	again, err := pay(99, "T-1", "2026-03-30 09:00")
	if err != nil || !again.Replayed || again.Payment.ID != res.Payment.ID {
		t.Errorf("the same reference again: %+v %v", again, err)
	}
	var ce *ConflictError
	if _, err := pay(15000000, "T-2", "2026-03-21 23:40"); !errors.As(err, &ce) {
		t.Errorf("paid under another reference: %v", err)
	}
	other := e.issued("LEVE-1", issuedAt.Add(-time.Hour), issuedAt)
	if _, err := e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: other, AmountCents: 2500000, Method: "transferencia", Reference: "T-1", PaidAt: localTime("2026-03-02 10:00")}, CLIActor); !errors.As(err, &ce) || ce.Field != rules.FieldReference {
		t.Errorf("a reference used for another fine: %v", err)
	}
	unclassified := e.infraction(issuedAt)
	if _, err := e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: unclassified, AmountCents: 100, Method: "efectivo", Reference: "R-9", PaidAt: localTime("2026-03-02 10:00")}, CLIActor); !errors.As(err, &ce) {
		t.Errorf("paying one sin tipificar: %v", err)
	}
	if _, err := e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: 999999, AmountCents: 100, Method: "efectivo", Reference: "R-10", PaidAt: localTime("2026-03-02 10:00")}, CLIActor); !errors.Is(err, ErrNotFound) {
		t.Errorf("paying an unknown infraction: %v", err)
	}
}

// Payments of one fine from several processes at once record exactly one;
// the others answer the first (same reference) or a conflict.
func TestConcurrentPaymentsRecordOne(t *testing.T) {
	s, dsn := newTestStoreDSN(t)
	e := setUpFines(t, s)
	ctx := context.Background()
	issuedAt := time.Now().Add(-time.Hour)
	id := e.issued("GRAVE-1", issuedAt.Add(-time.Hour), issuedAt)
	stores := []*Store{s}
	for range 3 {
		o, err := Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer o.Close()
		o.SetLocale(s.Locale())
		stores = append(stores, o)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	replays, conflicts, recorded := 0, 0, 0
	for k := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ref := "P-SAME"
			if k%2 == 1 {
				ref = fmt.Sprintf("P-%d", k)
			}
			res, err := stores[k%len(stores)].RecordPayment(ctx, rules.PaymentInput{InfractionID: id, AmountCents: 15000000, Method: "pasarela", Reference: ref, PaidAt: time.Now()}, CLIActor)
			mu.Lock()
			defer mu.Unlock()
			var ce *ConflictError
			switch {
			case errors.As(err, &ce):
				conflicts++
			case err != nil:
				t.Errorf("payment %d: %v", k, err)
			case res.Replayed:
				replays++
			default:
				recorded++
			}
		}()
	}
	wg.Wait()
	if n := count(t, s, "payments"); n != 1 || recorded != 1 || replays+conflicts != 15 {
		t.Errorf("%d payments stored; %d recorded, %d replays, %d conflicts", n, recorded, replays, conflicts)
	}
	if ns := e.notifications(id); len(ns) != 2 {
		t.Errorf("%d notifications, want the issue's and one payment's", len(ns))
	}
}

func TestDisputeLifecycle(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	issuedAt := localTime("2026-03-01 10:00")
	id := e.issued("GRAVE-1", issuedAt.Add(-time.Hour), issuedAt)
	in := rules.DisputeInput{Text: "No era mi auto.", Email: "abogada@example.com"}
	pdf := AttachmentInput{Bytes: []byte("%PDF-1.4 prueba"), ContentType: rules.TypePDF}
	d, err := e.s.fileDisputeAt(ctx, id, in, []AttachmentInput{pdf}, localTime("2026-03-05 12:00"), CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(d.Reference, "D-") || len(d.Reference) != 11 {
		t.Errorf("reference %q", d.Reference)
	}
	if files, err := e.s.AttachmentsOf(ctx, 0, d.ID); err != nil || len(files) != 1 || files[0].ContentType != rules.TypePDF {
		t.Errorf("the descargo's files: %+v %v", files, err)
	}
	got := e.row(id)
	a := fines.Assess(got.Fine(), fines.DefaultSettings(), localTime("2026-05-20 12:00"), ba)
	if got.Status != StatusDisputed || a.Status != fines.EnDescargo || *a.ToPay != 30000000 {
		t.Errorf("pending: stored %s, assessed %+v", got.Status, a)
	}
	var ce *ConflictError
	if _, err := e.s.fileDisputeAt(ctx, id, in, nil, localTime("2026-03-06 12:00"), CLIActor); !errors.As(err, &ce) {
		t.Errorf("a second descargo while one is pending: %v", err)
	}
	res := rules.ResolutionInput{Decision: "rechazar", Resolution: "Las fotos muestran el vehículo."}
	if _, err := e.s.resolveDisputeAt(ctx, d.ID, res, localTime("2026-05-20 12:00"), CLIActor); err != nil {
		t.Fatal(err)
	}
	got = e.row(id)
	a = fines.Assess(got.Fine(), fines.DefaultSettings(), localTime("2026-05-21 12:00"), ba)
	if got.Status != StatusValid || a.DueDate.String() != "2026-06-04" || a.DiscountUntil != nil {
		t.Errorf("rejected: stored %s, assessed %+v", got.Status, a)
	}
	ns := e.notifications(id)
	// The issue, the descargo's receipt to its contact (with the reference),
	// then the resolution to the owner and to the contact.
	if len(ns) != 4 || ns[1].ToEmail != "abogada@example.com" || !strings.Contains(ns[1].Body, d.Reference) ||
		ns[2].ToEmail != "ana@example.com" || ns[3].ToEmail != "abogada@example.com" ||
		!strings.Contains(ns[2].Body, "rechazado") || !strings.Contains(ns[2].Body, "Las fotos muestran") {
		t.Errorf("notifications %+v", ns)
	}
	if _, err := e.s.resolveDisputeAt(ctx, d.ID, res, localTime("2026-05-21 12:00"), CLIActor); !errors.As(err, &ce) {
		t.Errorf("resolving twice: %v", err)
	}

	other := e.issued("LEVE-1", issuedAt.Add(-time.Hour), issuedAt)
	d2, err := e.s.fileDisputeAt(ctx, other, in, nil, localTime("2026-03-02 12:00"), CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.s.resolveDisputeAt(ctx, d2.ID, rules.ResolutionInput{Decision: "aceptar", Resolution: "Señal mal ubicada."}, localTime("2026-03-10 12:00"), CLIActor); err != nil {
		t.Fatal(err)
	}
	if got := e.row(other); got.Status != StatusVoided || got.VoidReason != "Señal mal ubicada." {
		t.Errorf("accepted: %s %q", got.Status, got.VoidReason)
	}
	late := e.issued("LEVE-1", issuedAt.Add(-time.Hour), issuedAt)
	if _, err := e.s.fileDisputeAt(ctx, late, in, nil, localTime("2026-05-01 12:00"), CLIActor); !errors.As(err, &ce) || !strings.Contains(ce.Message, "venció") {
		t.Errorf("a descargo after the vencimiento: %v", err)
	}
	if _, err := e.s.fileDisputeAt(ctx, late, in, []AttachmentInput{{Bytes: []byte("GIF89a")}}, localTime("2026-03-02 12:00"), CLIActor); !isFieldError(err, "adjuntos") {
		t.Errorf("a GIF attached: %v", err)
	}
}

func TestAttachments(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	id := e.infraction(time.Now().Add(-time.Hour))
	jpeg := func(n int) []byte { return append([]byte{0xff, 0xd8, 0xff, 0xe0}, []byte(fmt.Sprint(n))...) }
	first, created, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, OfficerID: e.officer.ID, Bytes: jpeg(0), ContentType: rules.TypeJPEG, Source: SourceOfficer}, CLIActor)
	if err != nil || !created || len(first.SHA256) != 64 || first.Size != 5 {
		t.Fatalf("first photo: %+v %v %v", first, created, err)
	}
	for k := 1; k < rules.MaxPhotos; k++ {
		if _, _, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, Bytes: jpeg(k), Source: SourceOfficer}, CLIActor); err != nil {
			t.Fatal(err)
		}
	}
	again, created, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, Bytes: jpeg(0), Source: SourceOfficer}, CLIActor)
	if err != nil || created || again.ID != first.ID {
		t.Errorf("the same bytes again with 5 stored: %+v %v %v", again, created, err)
	}
	var ce *ConflictError
	if _, _, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, Bytes: jpeg(9), Source: SourceOfficer}, CLIActor); !errors.As(err, &ce) {
		t.Errorf("a 6th photo: %v", err)
	}
	if _, _, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, Bytes: jpeg(7), ContentType: rules.TypePNG}, CLIActor); !errors.Is(err, ErrFileType) {
		t.Errorf("declared PNG, is JPEG: %v", err)
	}
	if _, _, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, Bytes: []byte("%PDF-1.4")}, CLIActor); !errors.Is(err, ErrFileType) {
		t.Errorf("a PDF as a photo: %v", err)
	}
	if _, _, err := e.s.AddAttachment(ctx, AttachmentInput{InfractionID: id, OfficerID: e.officer.ID + 1, Bytes: jpeg(8)}, CLIActor); !errors.Is(err, ErrNotFound) {
		t.Errorf("another officer's infraction: %v", err)
	}
	list, err := e.s.AttachmentsOf(ctx, id, 0)
	if err != nil || len(list) != 5 || list[0].Bytes != nil {
		t.Errorf("list: %d %v", len(list), err)
	}
	full, err := e.s.AttachmentByID(ctx, first.ID)
	if err != nil || string(full.Bytes) != string(jpeg(0)) {
		t.Errorf("by id: %v", err)
	}
}

// The list's status filters are the statuses a person sees, prescrita
// included; the vehicle check counts what is owed.
func TestInfractionStatusFilters(t *testing.T) {
	e := newFinesEnv(t)
	ctx := context.Background()
	now := time.Now()
	ids := map[string]int64{}
	ids["sin_tipificar"] = e.infraction(now.Add(-time.Hour))
	ids["vigente"] = e.issued("GRAVE-1", now.Add(-2*time.Hour), now.Add(-time.Hour))
	ids["prescrita"] = e.issued("LEVE-1", now.AddDate(-3, 0, 0), now.Add(-time.Hour))      // leve: 2 years
	ids["vigente-grave"] = e.issued("GRAVE-1", now.AddDate(-3, 0, 0), now.Add(-time.Hour)) // grave: 5 years
	ids["pagada"] = e.issued("LEVE-1", now.Add(-2*time.Hour), now.Add(-time.Hour))
	if _, err := e.s.RecordPayment(ctx, rules.PaymentInput{InfractionID: ids["pagada"], AmountCents: 2500000, Method: "efectivo", Reference: "R-1", PaidAt: now}, CLIActor); err != nil {
		t.Fatal(err)
	}
	ids["en_descargo"] = e.issued("LEVE-1", now.Add(-2*time.Hour), now.Add(-time.Hour))
	if _, err := e.s.FileDispute(ctx, ids["en_descargo"], rules.DisputeInput{Text: "no", Email: "ana@example.com"}, nil, CLIActor); err != nil {
		t.Fatal(err)
	}
	ids["anulada"] = e.infraction(now.Add(-time.Hour))
	if err := e.s.VoidInfraction(ctx, ids["anulada"], "duplicada", CLIActor); err != nil {
		t.Fatal(err)
	}
	list := func(filters map[string]string) []int64 {
		t.Helper()
		res, err := e.s.ListInfractions(ctx, ListQuery{Filters: filters, Sort: "registrada"}, ba, now)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range res.Items {
			got = append(got, r.ID)
		}
		return got
	}
	for filter, want := range map[string][]int64{
		"vigente":       {ids["sin_tipificar"], ids["vigente"], ids["vigente-grave"]},
		"prescrita":     {ids["prescrita"]},
		"pagada":        {ids["pagada"]},
		"en_descargo":   {ids["en_descargo"]},
		"anulada":       {ids["anulada"]},
		"sin_tipificar": {ids["sin_tipificar"]},
	} {
		if got := list(map[string]string{"estado": filter}); fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("estado=%s: %v, want %v", filter, got, want)
		}
	}
	if got := list(map[string]string{"codigo": "grave-1"}); fmt.Sprint(got) != fmt.Sprint([]int64{ids["vigente"], ids["vigente-grave"]}) {
		t.Errorf("codigo=GRAVE-1: %v", got)
	}
	if got := list(map[string]string{"gravedad": "leve"}); len(got) != 3 {
		t.Errorf("gravedad=leve: %v", got)
	}
	if got := list(map[string]string{"codigo": "NADA"}); len(got) != 0 {
		t.Errorf("an unknown code: %v", got)
	}
	v, err := e.s.VehicleByPlate(ctx, "AB123CD", now, ba)
	if err != nil || v.Unpaid != 3 || v.Brand != "Fiat" { // vigente, vigente-grave, en_descargo
		t.Errorf("vehicle check: %+v %v", v, err)
	}
	if _, err := e.s.VehicleByPlate(ctx, "ZZ999ZZ", now, ba); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown plate: %v", err)
	}
	d, err := e.s.Dashboard(ctx, ba, now)
	if err != nil {
		t.Fatal(err)
	}
	// Issued this month: 2 × GRAVE-1 and 3 × LEVE-1 (unless the month began
	// within the last hour); owed: not paid, not prescribed.
	if d.Month.Day() == 1 && now.Sub(d.Month) < 2*time.Hour {
		t.Skip("the month began too recently to check its sums")
	}
	if d.IssuedCount != 5 || d.Issued != 2*30000000+3*5000000 || d.Collected != 2500000 || d.CollectedCount != 1 ||
		d.OwedCount != 3 || d.Owed != 2*30000000+5000000 {
		t.Errorf("month: issued %d (%d), collected %d (%d), owed %d (%d)", d.Issued, d.IssuedCount, d.Collected, d.CollectedCount, d.Owed, d.OwedCount)
	}
}

func TestPersonDocument(t *testing.T) {
	s := newTestStore(t)
	ctx := context.Background()
	p, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Ana", Email: "ana@example.com", Document: "20.123.456"}, CLIActor)
	if err != nil || p.DocumentText() != "20123456" {
		t.Fatalf("create: %+v %v", p, err)
	}
	var ce *ConflictError
	if _, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Otra", Email: "otra@example.com", Document: "20 123 456"}, CLIActor); !errors.As(err, &ce) || ce.Field != rules.FieldDocument {
		t.Errorf("the same document: %v", err)
	}
	if _, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Sin", Email: "sin@example.com"}, CLIActor); err != nil {
		t.Errorf("a second person without a document: %v", err)
	}
	if _, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Tampoco", Email: "tampoco@example.com"}, CLIActor); err != nil {
		t.Errorf("a third person without a document: %v", err)
	}
	b, err := s.CreatePerson(ctx, rules.PersonInput{Name: "Bruno", Email: "bruno@example.com"}, CLIActor)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.UpdatePerson(ctx, b.ID, rules.PersonInput{Name: "Bruno", Email: "bruno@example.com", Document: "20123456"}, CLIActor); !errors.As(err, &ce) || ce.Field != rules.FieldDocument {
		t.Errorf("update to another's document: %v", err)
	}
	res := mustImport(t, s, "nombre,email,documento,placa_patente,marca,color\nBruno,bruno@example.com,27-33444555-1,AB123CD,Fiat,Rojo\nCarla,carla@example.com,,CC111CC,Ford,Azul\n")
	if res.PersonsUpdated != 1 || res.PersonsCreated != 1 {
		t.Errorf("import: %+v", res)
	}
	if got, _ := s.PersonByEmail(ctx, "bruno@example.com"); got.DocumentText() != "27334445551" {
		t.Errorf("document after the import: %q", got.DocumentText())
	}
	_, err = s.Import(ctx, strings.NewReader(`[{"nombre":"Dora","email":"dora@example.com","documento":"20123456"}]`), CLIActor, false)
	var inv *ImportInvalidError
	if !errors.As(err, &inv) || len(inv.Errors) != 1 || inv.Errors[0].Field != rules.FieldDocument || inv.Errors[0].Line != 1 {
		t.Errorf("importing another person's document: %v", err)
	}
	if _, err := s.PersonByEmail(ctx, "dora@example.com"); !errors.Is(err, ErrNotFound) {
		t.Error("a refused import wrote a person")
	}
}
