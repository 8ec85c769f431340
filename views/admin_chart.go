package views

import (
	"strconv"

	"transito/models"
)

// chartBar is one bar of the dashboard's SVG chart, in viewBox units.
type chartBar struct {
	X, Y, W, H string
	Label      string
	Title      string
	Count      string
	ShowLabel  bool
	LabelX     string
	Anchor     string
}

const (
	chartW, chartH = 600.0, 160.0
	chartTop       = 10.0
)

// chartBars lays out one bar per day, scaled to the busiest day.
func chartBars(days []models.DayCount) []chartBar {
	peak := 1
	for _, d := range days {
		peak = max(peak, d.Count)
	}
	n := max(len(days), 1)
	slot := chartW / float64(n)
	bars := make([]chartBar, 0, len(days))
	for i, d := range days {
		h := (chartH - chartTop) * float64(d.Count) / float64(peak)
		if d.Count > 0 && h < 1 {
			h = 1
		}
		bars = append(bars, chartBar{
			X: f1(float64(i)*slot + slot*0.15), Y: f1(chartH - h), W: f1(slot * 0.7), H: f1(h),
			Label:     d.Day.Format("02/01"),
			Title:     d.Day.Format("02/01/2006") + ": " + plural(d.Count, "infracción", "infracciones"),
			Count:     strconv.Itoa(d.Count),
			ShowLabel: i%5 == 0 || i == len(days)-1,
			LabelX:    f1(float64(i)*slot + slot*0.5),
			Anchor:    "middle",
		})
		if i == 0 {
			bars[i].LabelX, bars[i].Anchor = "0", "start"
		}
		if i == len(days)-1 {
			bars[i].LabelX, bars[i].Anchor = f1(chartW), "end"
		}
	}
	return bars
}

func chartPeak(days []models.DayCount) string {
	peak := 0
	for _, d := range days {
		peak = max(peak, d.Count)
	}
	return thousands(peak)
}

func f1(f float64) string { return strconv.FormatFloat(f, 'f', 1, 64) }
