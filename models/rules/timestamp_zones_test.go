package rules

import (
	"errors"
	"testing"
	"time"
)

// Local times around a daylight-saving change, and offsets past ±23:59
// (issue 10, item 8): a time the clocks skip is refused saying so, a time
// the clocks repeat is the earlier instant, and RFC 3339 offsets stop at
// 23:59.
func TestTimestampZoneEdges(t *testing.T) {
	santiago, err := time.LoadLocation("America/Santiago")
	if err != nil {
		t.Fatal(err)
	}
	madrid, err := time.LoadLocation("Europe/Madrid")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		in   string
		loc  *time.Location
		want string // RFC 3339 in UTC, or "" when err is wanted
		err  error
	}{
		{"2024-09-08 00:30", santiago, "", ErrTimestampGap},
		{"2024-09-08 00:00:00", santiago, "", ErrTimestampGap},
		{"2024-09-08T00:59", santiago, "", ErrTimestampGap},
		{"2024-09-08 01:00", santiago, "2024-09-08T04:00:00Z", nil},
		{"2024-09-07 23:59", santiago, "2024-09-08T03:59:00Z", nil},
		{"2024-04-06 23:30", santiago, "2024-04-07T02:30:00Z", nil},
		{"2024-03-31 02:30", madrid, "", ErrTimestampGap},
		{"2024-10-27 02:30", madrid, "2024-10-27T00:30:00Z", nil},
		{"2024-10-27 02:59:59", madrid, "2024-10-27T00:59:59Z", nil},
		{"2024-10-27 03:00", madrid, "2024-10-27T02:00:00Z", nil},
		{"2024-10-27 01:59", madrid, "2024-10-26T23:59:00Z", nil},
		{"2024-05-01 14:30", madrid, "2024-05-01T12:30:00Z", nil},
		{"2024-05-01T14:30:00+24:00", time.UTC, "", ErrTimestampOffset},
		{"2024-05-01T14:30:00-24:00", time.UTC, "", ErrTimestampOffset},
		{"2024-05-01T14:30:00+24:59", time.UTC, "", ErrTimestampOffset},
		{"2024-05-01 14:30:00+24:00", time.UTC, "", ErrTimestampOffset},
		{"2024-05-01T14:30:00+23:59", time.UTC, "2024-04-30T14:31:00Z", nil},
		{"2024-05-01T14:30:00-23:59", time.UTC, "2024-05-02T14:29:00Z", nil},
	} {
		got, err := ParseTimestamp(tt.in, tt.loc, now)
		switch {
		case tt.err != nil && !errors.Is(err, tt.err):
			t.Errorf("%s in %s: %v, %v; want %v", tt.in, tt.loc, got, err, tt.err)
		case tt.err == nil && (err != nil || got.UTC().Format(time.RFC3339) != tt.want):
			t.Errorf("%s in %s: %v, %v; want %s", tt.in, tt.loc, got.UTC(), err, tt.want)
		}
	}
}
