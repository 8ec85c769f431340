package admin_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/xuri/excelize/v2"

	"transito/internal/testenv"
	"transito/models"
	"transito/models/rules"
	"transito/paths"
)

// postForm submits a form and returns the raw answer (an export's body).
func postForm(t *testing.T, e *testenv.Client, path string, values url.Values) (*http.Response, []byte) {
	t.Helper()
	if _, ok := values["_csrf"]; !ok {
		values.Set("_csrf", e.CSRF)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := e.Do(req)
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// exportIDs reads the ID column (the first) of an export in format.
func exportIDs(t *testing.T, format string, body []byte) []string {
	t.Helper()
	var rows [][]string
	switch format {
	case "xlsx":
		f, err := excelize.OpenReader(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("xlsx does not open: %v", err)
		}
		defer f.Close()
		if rows, err = f.GetRows(f.GetSheetList()[0]); err != nil {
			t.Fatal(err)
		}
	default:
		r := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(body, []byte("\ufeff"))))
		if format == "csv-excel" {
			r.Comma = ';'
		}
		var err error
		if rows, err = r.ReadAll(); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
	}
	if len(rows) == 0 || rows[0][0] != "ID" {
		t.Fatalf("%s: no ID header: %q", format, rows)
	}
	var ids []string
	for _, r := range rows[1:] {
		ids = append(ids, r[0])
	}
	return ids
}

// Every list with an export exports the rows it checked, in each format,
// in the list's order, and only those; with none checked it says so.
func TestExportSelected(t *testing.T) {
	env := testenv.New(t, testenv.WithAdmin(), testenv.WithRegistry())
	e := env.Client()
	e.Login()
	ctx := context.Background()
	testenv.MustOfficer(t, env.Store, "Laura", "X1")
	testenv.MustOfficer(t, env.Store, "Marta", "X2")
	testenv.MustAdmin(t, env.Store, "opera", rules.RoleOperador)
	for _, at := range []time.Duration{time.Hour, 2 * time.Hour} {
		testenv.MustInfraction(t, env.Store, "AB123CD", "X1", time.Now().Add(-at))
	}
	if _, err := env.Store.CreatePerson(ctx, rules.PersonInput{Name: "Dora Zeta", Email: "dora.zeta@example.com"}, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	for _, list := range []string{paths.Persons, paths.Vehicles, paths.Officers, paths.Infractions, paths.Audit, paths.Admins} {
		t.Run(list, func(t *testing.T) {
			_, doc := e.Get(list)
			if testenv.Testid(doc, "csv-export").Length() != 1 {
				t.Error("no export link")
			}
			var all []string
			testenv.Testid(doc, "row-check").Each(func(_ int, s *goquery.Selection) { all = append(all, s.AttrOr("value", "")) })
			if len(all) < 2 {
				t.Fatalf("%d row checkboxes, want 2 or more", len(all))
			}
			checked := []string{all[len(all)-1], all[0]} // out of order: the export keeps the list's
			for _, format := range []string{"csv", "csv-excel", "xlsx"} {
				btn := testenv.Testid(doc, "bulk-export-"+format)
				action, ok := btn.Attr("formaction")
				if !ok || btn.AttrOr("value", "") != format {
					t.Fatalf("no %s button of the selection", format)
				}
				resp, body := postForm(t, e, action, url.Values{"ids": checked, "formato": {format}, "paso": {"confirmar"}})
				testenv.WantStatus(t, resp, http.StatusOK)
				if got, want := exportIDs(t, format, body), []string{all[0], all[len(all)-1]}; !slices.Equal(got, want) {
					t.Errorf("%s: ids %q, want %q", format, got, want)
				}
			}
			action := testenv.Testid(doc, "bulk-export-csv").AttrOr("formaction", "")
			resp, _ := postForm(t, e, action, url.Values{"formato": {"csv"}})
			testenv.WantStatus(t, resp, http.StatusSeeOther)
			if loc := resp.Header.Get("Location"); loc != list {
				t.Errorf("none checked: back to %q, want %q", loc, list)
			}
			resp, _ = postForm(t, e, action, url.Values{"ids": checked, "formato": {"pdf"}})
			testenv.WantStatus(t, resp, http.StatusBadRequest)
			resp, _ = postForm(t, e, action, url.Values{"ids": checked, "formato": {"csv"}, "_csrf": {"x"}})
			testenv.WantStatus(t, resp, http.StatusForbidden)
		})
	}
	// A list without an export offers none.
	for _, list := range []string{paths.Catalog, paths.Disputes, paths.Notifications} {
		if _, doc := e.Get(list); testenv.Testid(doc, "csv-export").Length() != 0 || testenv.Testid(doc, "bulk-export").Length() != 0 {
			t.Errorf("%s offers an export it does not have", list)
		}
	}
	// The export keeps the list's search and sort: the form's action
	// carries them.
	_, doc := e.Get(paths.Persons + "?orden=-nombre&q=a")
	if action := testenv.Testid(doc, "bulk-export-csv").AttrOr("formaction", ""); !strings.Contains(action, "orden=-nombre") || !strings.Contains(action, "q=a") {
		t.Errorf("export selected posts to %q: the list's query is lost", action)
	}
}

// Bulk activation and deactivation of officers: a supervisor's, with a
// confirmation that names how many and who; all or none; each officer
// audited as the single action is, and the API refuses a deactivated
// officer's token.
func TestBulkOfficers(t *testing.T) {
	e := testenv.Panel(t)
	e.Login()
	ctx := context.Background()
	s := e.Store
	laura := testenv.MustOfficer(t, s, "Laura", "X1")
	marta := testenv.MustOfficer(t, s, "Marta", "X2")
	idle := testenv.MustOfficer(t, s, "Nora", "X3")
	if err := s.SetOfficerActive(ctx, idle.ID, false, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	token, err := s.IssueToken(ctx, laura.ID, testenv.Actor)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := e.Env.Send(t, http.MethodGet, paths.Catalogue, token, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("the token before: %d", resp.StatusCode)
	}

	_, doc := e.Get(paths.Officers)
	btn := testenv.Testid(doc, "bulk-deactivate")
	action := btn.AttrOr("formaction", "")
	form := url.Values{"ids": {itoa(laura.ID), itoa(marta.ID), itoa(idle.ID)}, "paso": {"confirmar"}, btn.AttrOr("name", ""): {btn.AttrOr("value", "")}}
	resp, doc := e.Post(action, form)
	testenv.WantStatus(t, resp, http.StatusOK)
	if got := doc.Find("h1").Text(); !strings.Contains(got, "Desactivar 3 oficiales") {
		t.Errorf("title %q", got)
	}
	if got := testenv.Testid(doc, "bulk-officers").Text(); !strings.Contains(got, "Laura") || !strings.Contains(got, "Marta") || !strings.Contains(got, "ya inactivo") {
		t.Errorf("confirmation lists %q", got)
	}
	if o, _ := s.OfficerByID(ctx, laura.ID); !o.Active {
		t.Fatal("the confirmation changed something")
	}

	resp, _ = e.Post(action, url.Values{"ids": {itoa(laura.ID)}, "paso": {"confirmar"}, rules.FieldActive: {"quizás"}})
	testenv.WantStatus(t, resp, http.StatusBadRequest)

	// One of them is gone by the time it is applied: nothing changes.
	apply := url.Values{"paso": {"aplicar"}, rules.FieldActive: {"0"}}
	testenv.Testid(doc, "bulk-officers-form").Find(`input[name="ids"]`).Each(func(_ int, s *goquery.Selection) { apply.Add("ids", s.AttrOr("value", "")) })
	if err := s.DeleteOfficer(ctx, idle.ID, testenv.Actor); err != nil {
		t.Fatal(err)
	}
	resp, doc = e.Post(action, apply)
	testenv.WantStatus(t, resp, http.StatusConflict)
	if got := testenv.Testid(doc, "form-error").Text(); !strings.Contains(got, "No cambió ninguno") {
		t.Errorf("problem %q", got)
	}
	if o, _ := s.OfficerByID(ctx, laura.ID); !o.Active {
		t.Error("a refused batch deactivated Laura")
	}
	// In the store too, an unknown id rolls the batch back.
	var oe *models.OfficerError
	if _, err := s.SetOfficersActive(ctx, []int64{laura.ID, idle.ID}, false, testenv.Actor); !errors.As(err, &oe) || oe.ID != idle.ID {
		t.Errorf("err = %v, want an OfficerError naming %d", err, idle.ID)
	}
	if o, _ := s.OfficerByID(ctx, laura.ID); !o.Active {
		t.Error("the store's refused batch deactivated Laura")
	}

	apply["ids"] = []string{itoa(laura.ID), itoa(marta.ID)}
	resp, _ = e.Post(action, apply)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	_, doc = e.Get(resp.Header.Get("Location"))
	if got := testenv.Testid(doc, "flash-ok").Text(); !strings.Contains(got, "Se desactivaron 2 oficiales") {
		t.Errorf("flash %q", got)
	}
	for _, id := range []int64{laura.ID, marta.ID} {
		if o, _ := s.OfficerByID(ctx, id); o.Active {
			t.Errorf("officer %d still active", id)
		}
		res, err := s.ListAudit(ctx, models.ListQuery{Filters: map[string]string{"entidad": "officer", "registro": itoa(id), "accion": "deactivate"}}, time.UTC)
		if err != nil || res.Total != 1 {
			t.Errorf("officer %d: deactivate entries %v, %v", id, res, err)
		}
	}
	if resp, _ := e.Env.Send(t, http.MethodGet, paths.Catalogue, token, ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("the deactivated officer's token: %d, want 403", resp.StatusCode)
	}

	// Activating them again: the token works again.
	apply.Set(rules.FieldActive, "1")
	resp, _ = e.Post(action, apply)
	testenv.WantStatus(t, resp, http.StatusSeeOther)
	if resp, _ := e.Env.Send(t, http.MethodGet, paths.Catalogue, token, ""); resp.StatusCode != http.StatusOK {
		t.Errorf("the reactivated officer's token: %d, want 200", resp.StatusCode)
	}

	// An operador sees the checkboxes (to export) but not these buttons,
	// and may not post.
	testenv.MustAdmin(t, s, "opera", rules.RoleOperador)
	o := e.Env.Client()
	o.LoginAs("opera", testenv.Password)
	_, doc = o.Get(paths.Officers)
	if testenv.Testid(doc, "row-check").Length() == 0 || testenv.Testid(doc, "bulk-deactivate").Length() != 0 {
		t.Error("an operador's officer list: checkboxes to export, no activation buttons")
	}
	resp, _ = o.Post(action, apply)
	testenv.WantStatus(t, resp, http.StatusForbidden)
}
