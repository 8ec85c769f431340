package testenv

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// Client is a browser-like client of an environment's server: it keeps the
// cookies the server sets and the CSRF token of the last page it parsed.
type Client struct {
	*Env
	Cookies map[string]string
	CSRF    string
}

// Client is a new client, without cookies, of the environment's server.
func (e *Env) Client() *Client { return &Client{Env: e, Cookies: map[string]string{}} }

// Do sends a request with the client's cookies and keeps the ones it sets.
func (c *Client) Do(req *http.Request) *http.Response {
	c.T.Helper()
	for k, v := range c.Cookies {
		req.AddCookie(&http.Cookie{Name: k, Value: v})
	}
	resp, err := c.Server.App.Test(req, 30_000)
	if err != nil {
		c.T.Fatal(err)
	}
	for _, ck := range resp.Cookies() {
		if ck.MaxAge < 0 || ck.Value == "" {
			delete(c.Cookies, ck.Name)
		} else {
			c.Cookies[ck.Name] = ck.Value
		}
	}
	return resp
}

// Get loads a page with the given header pairs.
func (c *Client) Get(path string, headers ...string) (*http.Response, *goquery.Document) {
	c.T.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	setHeaders(req, headers)
	resp := c.Do(req)
	return resp, c.Parse(resp)
}

// Post submits a form; the CSRF token is added unless values has _csrf.
func (c *Client) Post(path string, values url.Values, headers ...string) (*http.Response, *goquery.Document) {
	c.T.Helper()
	if values == nil {
		values = url.Values{}
	}
	if _, ok := values["_csrf"]; !ok {
		values.Set("_csrf", c.CSRF)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(values.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	setHeaders(req, headers)
	resp := c.Do(req)
	return resp, c.Parse(resp)
}

// Upload submits a multipart form with one file, as a browser's file input
// sends it: field holds content under the name filename; the CSRF token is
// added.
func (c *Client) Upload(path, field, filename, content string) (*http.Response, *goquery.Document) {
	c.T.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if err := w.WriteField("_csrf", c.CSRF); err != nil {
		c.T.Fatal(err)
	}
	fw, err := w.CreateFormFile(field, filename)
	if err != nil {
		c.T.Fatal(err)
	}
	if _, err := io.WriteString(fw, content); err != nil {
		c.T.Fatal(err)
	}
	if err := w.Close(); err != nil {
		c.T.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	resp := c.Do(req)
	return resp, c.Parse(resp)
}

// Parse reads a response as HTML and keeps its CSRF token.
func (c *Client) Parse(resp *http.Response) *goquery.Document {
	c.T.Helper()
	defer resp.Body.Close()
	doc, err := goquery.NewDocumentFromReader(resp.Body)
	if err != nil {
		c.T.Fatal(err)
	}
	if tok, ok := doc.Find(`input[name="_csrf"]`).First().Attr("value"); ok {
		c.CSRF = tok
	}
	return doc
}

// LoginPage loads the login form (which sets the pre-session cookie and the
// CSRF token).
func (c *Client) LoginPage() {
	c.T.Helper()
	resp, _ := c.Get("/admin/login")
	if resp.StatusCode != http.StatusOK {
		c.T.Fatalf("GET /admin/login: %d", resp.StatusCode)
	}
}

// Login logs the administrator "admin" in and checks that it worked.
func (c *Client) Login() {
	c.T.Helper()
	c.LoginAs("admin", Password)
}

// LoginAs logs username in with password and checks that it worked.
func (c *Client) LoginAs(username, password string) {
	c.T.Helper()
	c.LoginPage()
	resp, _ := c.Post("/admin/login", url.Values{"usuario": {username}, "clave": {password}})
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/admin" {
		c.T.Fatalf("login %s: %d %q", username, resp.StatusCode, resp.Header.Get("Location"))
	}
	_, doc := c.Get("/admin")
	if got := Testid(doc, "current-user").Text(); got != username {
		c.T.Fatalf("after login current-user = %q, want %q", got, username)
	}
}
