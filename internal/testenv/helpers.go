package testenv

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/PuerkitoBio/goquery"
	"github.com/chromedp/chromedp"

	"transito/handlers/web"
	"transito/models"
	"transito/models/rules"
)

// Testid selects the elements of doc with that data-testid.
func Testid(doc *goquery.Document, id string) *goquery.Selection {
	return doc.Find(`[data-testid="` + id + `"]`)
}

// CSS is a chromedp selector by CSS.
func CSS(s string) chromedp.CSS { return chromedp.CSS(s) }

// ParseHTML parses an HTML body.
func ParseHTML(t testing.TB, body string) *goquery.Document {
	t.Helper()
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// WantStatus fails t unless resp has the status want.
func WantStatus(t testing.TB, resp *http.Response, want int) {
	t.Helper()
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d", resp.Request.Method, resp.Request.URL, resp.StatusCode, want)
	}
}

// MustLocation loads a time zone.
func MustLocation(t testing.TB, name string) *time.Location {
	t.Helper()
	loc, err := time.LoadLocation(name)
	if err != nil {
		t.Fatal(err)
	}
	return loc
}

// MustPerson creates a person.
func MustPerson(t testing.TB, s *models.Store, name, email string) *models.Person {
	t.Helper()
	p, err := s.CreatePerson(context.Background(), rules.PersonInput{Name: name, Email: email}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// MustVehicle creates a red Ford with that plate, owned by owner.
func MustVehicle(t testing.TB, s *models.Store, plate string, owner int64) *models.Vehicle {
	t.Helper()
	v, err := s.CreateVehicle(context.Background(), rules.VehicleInput{Plate: plate, Brand: "Ford", Color: "Rojo", PersonID: owner}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// MustAdmin creates an account of the panel with Password and that role.
func MustAdmin(t testing.TB, s *models.Store, username string, role rules.Role) *models.Admin {
	t.Helper()
	a, err := s.CreateAdmin(context.Background(), rules.AdminInput{Username: username, Password: Password, Role: role}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// MustOfficer creates an active officer.
func MustOfficer(t testing.TB, s *models.Store, name, badge string) *models.Officer {
	t.Helper()
	o, err := s.CreateOfficer(context.Background(), rules.OfficerInput{Name: name, Badge: badge, Active: true}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// MustInfraction registers an infraction by hand and returns its id.
func MustInfraction(t testing.TB, s *models.Store, plate, badge string, at time.Time) int64 {
	t.Helper()
	id, err := s.CreateInfraction(context.Background(), rules.InfractionInput{Plate: plate, Badge: badge, OccurredAt: at, Comments: "prueba"}, Actor)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// DecodeProblem reads a problem+json answer and checks that it is complete.
func DecodeProblem(t testing.TB, resp *http.Response, body []byte) web.Problem {
	t.Helper()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("Content-Type %q, want application/problem+json; body %s", ct, body)
	}
	var p web.Problem
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatalf("problem body %s: %v", body, err)
	}
	if p.Status != resp.StatusCode || p.Title == "" || p.Detail == "" || p.Type == "" {
		t.Fatalf("incomplete problem %+v for status %d", p, resp.StatusCode)
	}
	return p
}

// WrongToken is a token of the same shape that differs from tok (a fixed
// replacement of the first character would equal tok one time in 64).
func WrongToken(tok string) string {
	if strings.HasPrefix(tok, "x") {
		return "y" + tok[1:]
	}
	return "x" + tok[1:]
}
