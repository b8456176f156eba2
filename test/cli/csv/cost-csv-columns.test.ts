import { describe, expect, it } from "vitest";
import { parseIsoDay } from "#kernel/days.js";
import { CostCsvColumns, CsvRowError } from "#cli/csv/cost-csv-columns.js";

const enc = new TextEncoder();

function parse(text: string, chunkSize = 7) {
  const parser = new CostCsvColumns();
  const bytes = enc.encode(text);
  // Small chunks so that lines straddle chunk boundaries.
  for (let i = 0; i < bytes.length; i += chunkSize) parser.push(bytes.subarray(i, i + chunkSize));
  const cols = parser.finish();
  return Array.from({ length: cols.rows }, (_, r) => ({
    id: cols.seriesIds[cols.seriesOf(r)],
    day: cols.dayOf(r),
    cost: cols.costOf(r),
  }));
}

describe("CostCsvColumns", () => {
  it("parses rows across chunk boundaries, CRLF, a BOM and blank lines", () => {
    // Act
    const rows = parse("\uFEFFseries_id,date,cost\r\nacct-1,2025-03-01,12.5\r\n\r\nacct-2,2025-03-02,-0.25\nacct-1,2025-03-02,1e3");

    // Assess
    expect(rows).toEqual([
      { id: "acct-1", day: parseIsoDay("2025-03-01"), cost: 12.5 },
      { id: "acct-2", day: parseIsoDay("2025-03-02"), cost: -0.25 },
      { id: "acct-1", day: parseIsoDay("2025-03-02"), cost: 1000 },
    ]);
  });

  it("maps columns by the header, in any order", () => {
    expect(parse("cost,series_id,date\n3.25,s1,2025-01-31\n")).toEqual([{ id: "s1", day: parseIsoDay("2025-01-31"), cost: 3.25 }]);
  });

  it("parses plain decimals to the nearest double", () => {
    const costs = ["0.1", "123.4567", "5960.33", "0.0001", "42", "7."].map((c) => parse(`series_id,date,cost\ns,2025-01-01,${c}\n`)[0]?.cost);
    expect(costs).toEqual([0.1, 123.4567, 5960.33, 0.0001, 42, 7]);
  });

  it("reports whether each series' rows are contiguous", () => {
    const grouped = new CostCsvColumns();
    grouped.push(enc.encode("series_id,date,cost\na,2025-01-01,1\na,2025-01-02,1\nb,2025-01-01,1\n"));
    const mixed = new CostCsvColumns();
    mixed.push(enc.encode("series_id,date,cost\na,2025-01-01,1\nb,2025-01-01,1\na,2025-01-02,1\n"));
    expect(grouped.finish().grouped).toBe(true);
    expect(mixed.finish().grouped).toBe(false);
  });

  it("reads quoted fields (commas and doubled quotes inside, a quoted header) like unquoted ones", () => {
    const quoted = parse('"series_id","date","cost"\n"acct, a",2025-01-01,1.5\n"acct, a","2025-01-02","2"\nplain,2025-01-01,3\n"say ""hi""",2025-01-01,4\n');
    expect(quoted).toEqual([
      { id: "acct, a", day: parseIsoDay("2025-01-01"), cost: 1.5 },
      { id: "acct, a", day: parseIsoDay("2025-01-02"), cost: 2 },
      { id: "plain", day: parseIsoDay("2025-01-01"), cost: 3 },
      { id: 'say "hi"', day: parseIsoDay("2025-01-01"), cost: 4 },
    ]);
  });

  it.each([
    ["series_id,date,cost\ns1,2025-02-30,1\n", /line 2: date must be a real YYYY-MM-DD date/],
    ["series_id,date,cost\ns1,2025-01-01,1\ns1,01/02/2025,1\n", /line 3: date/],
    ["series_id,date,cost\ns1,2025-01-01,abc\n", /line 2: cost must be a number, got "abc"/],
    ["series_id,date,cost\ns1,2025-01-01,\n", /line 2: cost must be a number/],
    ["series_id,date,cost\ns1,2025-01-01\n", /line 2: expected 3 columns .* found 2/],
    ["series_id,date,cost\ns1,2025-01-01,1,9\n", /line 2: expected 3 columns .* found more/],
    ['series_id,date,cost\ns1,2025-01-01,1\n"s1,2025-01-02,1\n', /line 3: bad quoting .* closed on the same line/],
    ['series_id,date,cost\n"s1","2025-02-30",1\n', /line 2: date must be a real YYYY-MM-DD date/],
    ['series_id,date,cost\n"s1",2025-01-01,"1",2\n', /line 2: expected 3 columns .* found 4/],
    ["series_id,date,cost\n,2025-01-01,1\n", /line 2: series_id is empty/],
    ["id,day,amount\ns1,2025-01-01,1\n", /line 1: header must name the columns series_id,date,cost/],
    ["", /line 1: empty input/],
  ])("rejects bad input with the line number: %j", (text, message) => {
    expect(() => parse(text)).toThrow(CsvRowError);
    expect(() => parse(text)).toThrow(message);
  });
});
