package api_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"transito/handlers"
	"transito/internal/testenv"
)

// BenchmarkPhotosBesideSmallPosts measures, over real HTTP on loopback and
// a SQLite file (WAL, synchronous=FULL), the latency of small infraction
// POSTs from 8 concurrent clients, first alone and then while 20 photos of
// 1 MiB are uploaded in parallel. The target: the p99 of the small
// POSTs stays under 50 ms with the photos. Reported, not asserted:
//
//	go test ./handlers/api/ -run '^$' -bench PhotosBesideSmallPosts -benchtime 3x
func BenchmarkPhotosBesideSmallPosts(b *testing.B) {
	e := testenv.API(b, handlers.Config{})
	base := "http://" + e.Listen()
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	post := func(path, contentType string, body []byte) (int, error) {
		req, err := http.NewRequest(http.MethodPost, base+path, bytes.NewReader(body))
		if err != nil {
			return 0, err
		}
		req.Header.Set("Authorization", "Bearer "+e.Token)
		req.Header.Set("Content-Type", contentType)
		resp, err := client.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		_, err = buf.ReadFrom(resp.Body)
		if resp.StatusCode >= 300 {
			return resp.StatusCode, fmt.Errorf("%s: %d %s", path, resp.StatusCode, buf.String())
		}
		return resp.StatusCode, err
	}
	small := []byte(`{"placa_patente":"AB123CD","comentarios":"carga"}`)

	// run posts small infractions from 8 clients until stop and returns
	// each latency.
	run := func(stop <-chan struct{}) []time.Duration {
		var mu sync.Mutex
		var lat []time.Duration
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					t0 := time.Now()
					if _, err := post("/cargar_infraccion", "application/json", small); err != nil {
						b.Error(err)
						return
					}
					d := time.Since(t0)
					mu.Lock()
					lat = append(lat, d)
					mu.Unlock()
				}
			})
		}
		wg.Wait()
		return lat
	}

	var alone, beside, uploads []time.Duration
	var photoBytes atomic.Int64
	for b.Loop() {
		// Infractions to hang the photos on: 4 × 5 photos.
		var ids []int64
		for range 4 {
			resp, body := e.Request(jsonRequest(http.MethodPost, "/cargar_infraccion", e.Token, string(small)))
			if resp.StatusCode != 200 {
				b.Fatalf("%d %s", resp.StatusCode, body)
			}
			ids = append(ids, jsonID(body))
		}
		photos := make([][]byte, 20)
		for i := range photos {
			photos[i] = make([]byte, 1<<20)
			rand.Read(photos[i])
			copy(photos[i], []byte{0xff, 0xd8, 0xff, 0xe0})
		}

		// The same small load alone, for as long as the photos take below
		// (at least 2 s).
		stop := make(chan struct{})
		done := make(chan []time.Duration)
		go func() { done <- run(stop) }()
		time.Sleep(2 * time.Second)
		close(stop)
		alone = append(alone, <-done...)

		stop = make(chan struct{})
		go func() { done <- run(stop) }()
		time.Sleep(200 * time.Millisecond)
		var mu sync.Mutex
		var wg sync.WaitGroup
		t0 := time.Now()
		for i, ph := range photos {
			wg.Go(func() {
				s := time.Now()
				if status, err := post(fmt.Sprintf("/api/v1/infracciones/%d/fotos", ids[i%4]), "image/jpeg", ph); err != nil || status != 201 {
					b.Errorf("photo %d: %d %v", i, status, err)
					return
				}
				photoBytes.Add(int64(len(ph)))
				mu.Lock()
				uploads = append(uploads, time.Since(s))
				mu.Unlock()
			})
		}
		wg.Wait()
		took := time.Since(t0)
		time.Sleep(200 * time.Millisecond)
		close(stop)
		beside = append(beside, <-done...)
		b.Logf("20 photos of 1 MiB in parallel stored in %s", took.Round(time.Millisecond))
	}
	report := func(name string, lat []time.Duration) string {
		slices.Sort(lat)
		if len(lat) == 0 {
			return name + ": none"
		}
		p := func(q float64) time.Duration { return lat[min(len(lat)-1, int(q*float64(len(lat))))] }
		return fmt.Sprintf("%s: n=%d p50=%s p99=%s max=%s", name, len(lat), p(0.5).Round(100*time.Microsecond),
			p(0.99).Round(100*time.Microsecond), lat[len(lat)-1].Round(100*time.Microsecond))
	}
	slices.Sort(beside)
	if len(beside) > 0 {
		b.ReportMetric(float64(beside[min(len(beside)-1, int(0.99*float64(len(beside))))].Microseconds())/1000, "p99-ms-beside-photos")
	}
	b.Log(strings.Join([]string{report("small POSTs alone", alone), report("small POSTs beside 20 photos", beside),
		report("photo uploads (1 MiB)", uploads)}, "\n"))
}
