package admin

import (
	"archive/zip"
	"bufio"
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"transito/handlers/web"
	"transito/models"
)

// The export formats of every list (formato=): csv is RFC 4180 (comma,
// UTF-8); csv-excel is what a spreadsheet in a Spanish locale opens as it
// is (UTF-8 with a byte-order mark, semicolons, CRLF); xlsx is a workbook.
const (
	formatCSV      = "csv"
	formatCSVExcel = "csv-excel"
	formatXLSX     = "xlsx"
)

// exportFormat is the export the request asks for, "" for the page itself:
// the query's formato, or the body's for an "export selected".
func exportFormat(c *fiber.Ctx) (string, error) {
	f := c.Query("formato")
	if c.Method() == fiber.MethodPost {
		f = bodyField(c, "formato")
	}
	switch f {
	case "", formatCSV, formatCSVExcel, formatXLSX:
		return f, nil
	default:
		return "", web.NewProblem(fiber.StatusBadRequest, "El formato de exportación debe ser csv, csv-excel o xlsx.")
	}
}

// exportColumn is one column of a list's export: its header and its value
// in a row — a string, an int64, a time.Time (written in the display zone),
// or nil for an empty cell.
//
// Each list's export is a slice of these (personExport, infractionExport,
// …): a new column is one more entry, reading a field of the row type the
// store's Export method scans (add the field there when it is new).
type exportColumn[T any] struct {
	header string
	value  func(row *T) any
}

// xlsxMaxRows is a worksheet's row limit (the header included): an export
// past it goes on in another sheet.
const xlsxMaxRows = 1 << 20

// export answers a list's export: the rows of the cursor open opens (the
// list's search, filters and sort, no pages), streamed as they are read, so
// a million rows take no more memory than one. The query starts before the
// answer does, so that its errors get the panel's error page; a failure
// half-way is logged and cuts the download short.
func export[T any](h *Handler, c *fiber.Ctx, format, name, sheet string, cols []exportColumn[T], open func(ctx context.Context) (*models.Cursor[T], error)) error {
	ctx := context.Background()
	cur, err := open(ctx)
	if err != nil {
		return err
	}
	switch format {
	case formatXLSX:
		c.Set(fiber.HeaderContentType, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.xlsx"`)
	default:
		c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
		c.Set(fiber.HeaderContentDisposition, `attachment; filename="`+name+`.csv"`)
	}
	conn, reqID, loc, log := c.Context().Conn(), c.GetRespHeader("X-Request-ID"), h.loc, h.log
	headers := make([]string, len(cols))
	for i, col := range cols {
		headers[i] = col.header
	}
	c.Context().SetBodyStreamWriter(func(bw *bufio.Writer) {
		defer cur.Close()
		w := &deadlineWriter{w: bw, conn: conn}
		var err error
		if format == formatXLSX {
			err = writeXLSX(ctx, w, sheet, headers, cols, cur, loc)
		} else {
			err = writeCSV(ctx, w, format == formatCSVExcel, headers, cols, cur, loc)
		}
		if err == nil {
			err = bw.Flush()
		}
		if err != nil {
			log.Warn("export cut short", "request_id", reqID, "export", name, "format", format, "err", err)
		}
	})
	return nil
}

// deadlineWriter pushes the connection's write deadline on while a long
// export is being made and written (a workbook is written out only once
// all its rows are in): the server's write timeout bounds a stalled client,
// not a big download.
type deadlineWriter struct {
	w    *bufio.Writer
	conn net.Conn
	last time.Time
}

func (d *deadlineWriter) Write(p []byte) (int, error) {
	if t := time.Now(); d.conn != nil && t.Sub(d.last) > time.Second {
		d.last = t
		_ = d.conn.SetWriteDeadline(t.Add(exportWriteTimeout))
	}
	return d.w.Write(p)
}

// exportWriteTimeout is how long a download may stall before it is cut.
const exportWriteTimeout = 30 * time.Second

// neutralize keeps a spreadsheet from running a cell as a formula: text
// that starts like one gets an apostrophe first (OWASP's advice), in every
// format alike.
func neutralize(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// exportTimeLayout is how CSV exports write a time (in the display zone,
// named in the column's header): sortable, and read as a date by
// spreadsheets in any locale.
const exportTimeLayout = "2006-01-02 15:04:05"

func writeCSV[T any](ctx context.Context, out io.Writer, excel bool, headers []string, cols []exportColumn[T], cur *models.Cursor[T], loc *time.Location) error {
	if excel {
		if _, err := io.WriteString(out, "\ufeff"); err != nil {
			return err
		}
	}
	w := csv.NewWriter(out)
	if excel {
		w.Comma, w.UseCRLF = ';', true
	}
	if err := w.Write(headers); err != nil {
		return err
	}
	rec := make([]string, len(cols))
	for n := 1; cur.Next(ctx); n++ {
		row := cur.Row()
		for i, col := range cols {
			switch v := col.value(row).(type) {
			case nil:
				rec[i] = ""
			case string:
				rec[i] = neutralize(v)
			case int64:
				rec[i] = strconv.FormatInt(v, 10)
			case int:
				rec[i] = strconv.Itoa(v)
			case time.Time:
				rec[i] = v.In(loc).Format(exportTimeLayout)
			default:
				rec[i] = neutralize(fmt.Sprint(v))
			}
		}
		if err := w.Write(rec); err != nil {
			return err
		}
		if n%1000 == 0 {
			if w.Flush(); w.Error() != nil {
				return w.Error()
			}
		}
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return cur.Err()
}

func writeXLSX[T any](ctx context.Context, out io.Writer, sheet string, headers []string, cols []exportColumn[T], cur *models.Cursor[T], loc *time.Location) error {
	f := excelize.NewFile()
	defer f.Close()
	dates, err := f.NewStyle(&excelize.Style{NumFmt: 22})
	if err != nil {
		return err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return err
	}
	head := make([]any, len(headers))
	for i, h := range headers {
		head[i] = excelize.Cell{StyleID: bold, Value: h}
	}
	var sw *excelize.StreamWriter
	sheets, r := 0, xlsxMaxRows
	rec := make([]any, len(cols))
	for cur.Next(ctx) {
		if r == xlsxMaxRows {
			if sw != nil {
				if err := sw.Flush(); err != nil {
					return err
				}
			}
			sheets++
			name := sheet
			if sheets > 1 {
				name = fmt.Sprintf("%s %d", sheet, sheets)
				if _, err := f.NewSheet(name); err != nil {
					return err
				}
			} else if err := f.SetSheetName("Sheet1", name); err != nil {
				return err
			}
			if sw, err = f.NewStreamWriter(name); err != nil {
				return err
			}
			if err := sw.SetRow("A1", head); err != nil {
				return err
			}
			r = 1
		}
		row := cur.Row()
		for i, col := range cols {
			switch v := col.value(row).(type) {
			case string:
				rec[i] = neutralize(v)
			case time.Time:
				if v.IsZero() {
					rec[i] = nil
					continue
				}
				lt := v.In(loc)
				rec[i] = excelize.Cell{StyleID: dates, Value: time.Date(lt.Year(), lt.Month(), lt.Day(), lt.Hour(), lt.Minute(), lt.Second(), 0, time.UTC)}
			default:
				rec[i] = v
			}
		}
		r++
		cell, _ := excelize.CoordinatesToCellName(1, r)
		if err := sw.SetRow(cell, rec); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return err
	}
	if sw == nil {
		if err := f.SetSheetName("Sheet1", sheet); err != nil {
			return err
		}
		if sw, err = f.NewStreamWriter(sheet); err != nil {
			return err
		}
		if err := sw.SetRow("A1", head); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	// File.Write would build the whole archive in a buffer first (a
	// million rows: hundreds of MiB); a zip writer of our own on out
	// streams it instead, and leaves WriteToBuffer's buffer empty.
	f.SetZipWriter(func(io.Writer) excelize.ZipWriter { return zip.NewWriter(out) })
	_, err = f.WriteToBuffer()
	return err
}
