-- benches/bench.smql in DuckDB SQL, for benches/duckdb_compare.sh. The script replaces
-- {SRC} with the input relation (read_json(... newline_delimited) or read_csv(...) with each
-- list column split on ';' into a list) and {OUT} with the output file.
COPY (
  WITH leads AS (SELECT * FROM {SRC}),
  scored AS (
    SELECT
      id,
      visits,
      closed_at,
      list_contains(downloaded, 'pricing') AS got_pricing,
      -- score engagement (`+1 per email_opens up to 10` clamps to [-10, 10])
        (CASE WHEN visits >= 3 THEN 10 ELSE 0 END)
      + (CASE WHEN list_contains(downloaded, 'pricing') THEN 20 ELSE 0 END)
      + (CASE WHEN list_contains(pages, '/demo') THEN 15 ELSE 0 END)
      + (CASE WHEN form_fills >= 1 THEN 5 ELSE 0 END)
      + greatest(-10, least(email_opens, 10))
      - (CASE WHEN unsubscribed THEN 30 ELSE 0 END) AS engagement,
      -- score fit (`ends with` is case-insensitive)
        (CASE WHEN coalesce(company_size, 0) >= 200 THEN 20 ELSE 0 END)
      + (CASE WHEN title IS NOT NULL
               AND title IN ('CEO', 'CTO', 'VP Marketing', 'VP Sales', 'Head of Growth')
              THEN 15 ELSE 0 END)
      - (CASE WHEN ends_with(lower(email), '@gmail.com') THEN 10 ELSE 0 END) AS fit
    FROM leads
  )
  SELECT
    id,
    -- the last stage whose condition holds, in `stages` order
    CASE
      WHEN closed_at IS NOT NULL THEN 'Customer'
      WHEN visits >= 3 AND got_pricing AND engagement + fit >= 50 THEN 'SQL'
      WHEN visits >= 3 AND got_pricing THEN 'MQL'
      ELSE 'Lead'
    END AS stage,
    engagement,
    fit
  FROM scored
) TO '{OUT}' (HEADER);
