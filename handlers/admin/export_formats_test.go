package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
)

// download fetches a list's export and returns its body.
func download(t *testing.T, e *testenv.Client, path string) (*http.Response, []byte) {
	t.Helper()
	resp := e.Do(httptest.NewRequest(http.MethodGet, path, nil))
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	testenv.WantStatus(t, resp, http.StatusOK)
	return resp, body
}

// TestExportFormats: the three formats carry the same rows — ids, the owner
// at the time of the infraction (not today's), the status and the reason —
// and none lets a spreadsheet run a cell as a formula.
func TestExportFormats(t *testing.T) {
	env := testenv.New(t, testenv.WithAdmin(), testenv.WithRegistry())
	ctx := context.Background()
	s := env.Store
	id, err := s.CreateInfraction(ctx, rules.InfractionInput{Plate: "AB123CD", Badge: "B1", OccurredAt: time.Now().Add(-2 * time.Hour), Comments: "=HYPERLINK(\"http://x\")"}, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.VoidInfraction(ctx, id, "-Error de carga", testenv.Actor); err != nil {
		t.Fatal(err)
	}
	// The vehicle is sold afterwards: the export keeps the owner at the time.
	bruno, err := s.PersonByEmail(ctx, "bruno@example.com")
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.ListVehicles(ctx, modelsQuery("AB123CD"))
	if err != nil || len(v.Items) != 1 {
		t.Fatal(v, err)
	}
	if _, err := s.UpdateVehicle(ctx, v.Items[0].ID, rules.VehicleInput{Plate: "AB123CD", Brand: "Toyota", Color: "Blanco", PersonID: bruno.ID}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	e := env.Client()
	e.Login()

	want := map[string]string{
		"ID": itoa(id), "Patente": "AB123CD", "Titular a la fecha": "Ana Martínez", "Correo del titular": "ana@example.com",
		"Estado": "Anulada", "Motivo de anulación": "'-Error de carga", "Comentarios": `'=HYPERLINK("http://x")`,
		"Número del oficial": "B1",
	}
	check := func(format string, head, row []string) {
		t.Helper()
		got := map[string]string{}
		for i, h := range head {
			if i < len(row) {
				got[h] = row[i]
			}
		}
		for k, w := range want {
			if got[k] != w {
				t.Errorf("%s: %s = %q, want %q (row %q)", format, k, got[k], w, row)
			}
		}
		if !strings.HasPrefix(head[1], "Fecha (America/Argentina/Buenos_Aires") {
			t.Errorf("%s: the date's header %q does not name the zone", format, head[1])
		}
	}

	resp, body := download(t, e, "/admin/infracciones?formato=csv")
	if ct := resp.Header.Get("Content-Type"); ct != "text/csv; charset=utf-8" {
		t.Errorf("csv Content-Type %q", ct)
	}
	if bytes.HasPrefix(body, []byte("\ufeff")) || bytes.Contains(body, []byte("\r\n")) {
		t.Error("plain csv has a BOM or CRLF")
	}
	recs, err := csv.NewReader(bytes.NewReader(body)).ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv: %d records, %v", len(recs), err)
	}
	check("csv", recs[0], recs[1])

	_, body = download(t, e, "/admin/infracciones?formato=csv-excel")
	if !bytes.HasPrefix(body, []byte("\xef\xbb\xbf")) {
		t.Error("csv-excel has no UTF-8 byte-order mark")
	}
	if n := bytes.Count(body, []byte("\n")); n != bytes.Count(body, []byte("\r\n")) || n != 2 {
		t.Errorf("csv-excel: %d line feeds, %d CRLF, want 2 CRLF", n, bytes.Count(body, []byte("\r\n")))
	}
	r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\xef\xbb\xbf"))))
	r.Comma = ';'
	recs, err = r.ReadAll()
	if err != nil || len(recs) != 2 {
		t.Fatalf("csv-excel: %d records, %v", len(recs), err)
	}
	check("csv-excel", recs[0], recs[1])

	resp, body = download(t, e, "/admin/infracciones?formato=xlsx")
	if cd := resp.Header.Get("Content-Disposition"); !strings.Contains(cd, `infracciones.xlsx`) {
		t.Errorf("xlsx Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("xlsx does not open: %v", err)
	}
	defer f.Close()
	if sheets := f.GetSheetList(); len(sheets) != 1 || sheets[0] != "Infracciones" {
		t.Errorf("sheets %q", sheets)
	}
	rows, err := f.GetRows("Infracciones")
	if err != nil || len(rows) != 2 {
		t.Fatalf("xlsx: %d rows, %v", len(rows), err)
	}
	check("xlsx", rows[0], rows[1])
	for col := 1; col <= len(rows[0]); col++ {
		cell, _ := excelize.CoordinatesToCellName(col, 2)
		if formula, _ := f.GetCellFormula("Infracciones", cell); formula != "" {
			t.Errorf("xlsx cell %s is a formula: %q", cell, formula)
		}
	}
	idCell, _ := f.GetCellType("Infracciones", "A2")
	if idCell != excelize.CellTypeNumber && idCell != excelize.CellTypeUnset {
		t.Errorf("the id is not a number cell: %v", idCell)
	}
	if date, _ := f.GetCellValue("Infracciones", "B2"); !strings.Contains(date, "/") && !strings.Contains(date, "-") {
		t.Errorf("the date cell reads %q", date)
	}

	// Every list exports, in every format; an unknown format is a 400.
	for _, list := range []string{"/admin/personas", "/admin/vehiculos", "/admin/oficiales", "/admin/auditoria", "/admin/administradores"} {
		for _, format := range []string{"csv", "csv-excel", "xlsx"} {
			_, body := download(t, e, list+"?formato="+format)
			if len(body) == 0 {
				t.Errorf("%s as %s is empty", list, format)
			}
		}
	}
	resp = e.Do(httptest.NewRequest(http.MethodGet, "/admin/personas?formato=pdf", nil))
	testenv.WantStatus(t, resp, http.StatusBadRequest)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func modelsQuery(q string) models.ListQuery { return models.ListQuery{Q: q} }
