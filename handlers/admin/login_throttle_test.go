package admin_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"transito/internal/testenv"
)

// Thirty guesses sent to /admin/login at the same instant from one client,
// the right password among them: at most five passwords are compared
// (401), the rest are answered 429, and the right one — sent after the
// five wrong ones — cannot log in (issue 10, item 1).
func TestLoginThrottleHoldsUnderParallelRequests(t *testing.T) {
	e := testenv.Panel(t)
	e.LoginPage()
	form := func(pass string) *http.Request {
		v := url.Values{"_csrf": {e.CSRF}, "usuario": {"admin"}, "clave": {pass}}
		req := httptest.NewRequest(http.MethodPost, "/admin/login", strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, c := range e.Cookies {
			req.AddCookie(&http.Cookie{Name: k, Value: c})
		}
		return req
	}
	const guesses = 30
	statuses := make([]int, guesses)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range guesses {
		wg.Add(1)
		req := form("incorrecta-" + fmt.Sprint(i))
		go func() {
			defer wg.Done()
			<-start
			resp, err := e.Server.App.Test(req, 60_000)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			statuses[i] = resp.StatusCode
		}()
	}
	close(start)
	wg.Wait()
	counts := map[int]int{}
	for _, s := range statuses {
		counts[s]++
	}
	if counts[http.StatusUnauthorized] > 5 || counts[http.StatusUnauthorized]+counts[http.StatusTooManyRequests] != guesses {
		t.Errorf("%d parallel wrong passwords: statuses %v, want at most 5 × 401 and the rest 429", guesses, counts)
	}
	resp, err := e.Server.App.Test(form(testenv.Password), 60_000)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password after the burst: %d, want 429", resp.StatusCode)
	}
}
