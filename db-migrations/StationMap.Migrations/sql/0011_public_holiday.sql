-- 0011: public holidays, school holidays and make-up working days (调休上班) by region, for the
-- PH and SH selectors of opening_hours and the make-up working day rule (README, "Public holidays").
--
-- holiday_year: one row per (region, year) that has been loaded: where its days come from.
--   region = ISO 3166-1 alpha-2, optionally with a subdivision (CN, CN-ZJ); year = the year the
--   announcement is for (its days may reach into late December before or January after, as the
--   notice for 2023 began on 2022-12-31); basis = 'notice' (the State Council's published
--   arrangement, bridging days and make-up working days included) or 'statutory' (only the days the
--   全国年节及纪念日放假办法 fixes, loaded while the year's notice is not yet published).
-- public_holiday: the days. kind = 'holiday' (PH), 'makeup_workday' (a weekend day declared a
--   working day), 'school_holiday' (SH; none for the national calendar: school holidays in China
--   are set by provinces and cities, and can be loaded for a region such as CN-ZJ).
--   A date is at most one of holiday and makeup_workday in a region.
-- A year is replaced as a whole: delete its holiday_year row (the days go with it) and insert the
-- new one, in one transaction (HolidayStore.ReplaceYearAsync).
--
-- Channel stationmap_holiday_change: one notification per transaction that changes either table
-- (the payload is always 'changed', which PostgreSQL delivers once per transaction), so every API
-- instance reloads its calendars. Delivered on commit, so a listener that then reads sees the change.

CREATE TABLE holiday_year (
    region      text        NOT NULL CHECK (region ~ '^[A-Z]{2}(-[A-Z0-9]{1,3})?$'),
    year        integer     NOT NULL CHECK (year BETWEEN 2000 AND 2100),
    basis       text        NOT NULL CHECK (basis IN ('notice', 'statutory')),
    -- The announcement: its title, document number and URL (or what a calendar feed says of itself).
    source      text        NOT NULL CHECK (length(btrim(source)) BETWEEN 1 AND 1000),
    note        text        CHECK (note IS NULL OR length(note) <= 1000),
    loaded_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (region, year)
);

CREATE TABLE public_holiday (
    region  text    NOT NULL,
    year    integer NOT NULL,
    date    date    NOT NULL,
    kind    text    NOT NULL CHECK (kind IN ('holiday', 'makeup_workday', 'school_holiday')),
    name    text    NOT NULL CHECK (length(btrim(name)) BETWEEN 1 AND 100),
    PRIMARY KEY (region, date, kind),
    FOREIGN KEY (region, year) REFERENCES holiday_year ON DELETE CASCADE,
    CHECK (date BETWEEN make_date(year - 1, 12, 1) AND make_date(year + 1, 1, 31)),
    -- A make-up working day is a Saturday or a Sunday (ISO day of week 6 or 7).
    CHECK (kind <> 'makeup_workday' OR extract(isodow FROM date) IN (6, 7))
);

CREATE UNIQUE INDEX public_holiday_one_meaning ON public_holiday (region, date) WHERE kind IN ('holiday', 'makeup_workday');
CREATE INDEX public_holiday_year ON public_holiday (region, year);

CREATE FUNCTION stationmap.holiday_change_notify() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('stationmap_holiday_change', 'changed');
    RETURN NULL;
END $$;

CREATE TRIGGER holiday_year_change_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON holiday_year
    FOR EACH STATEMENT EXECUTE FUNCTION stationmap.holiday_change_notify();
CREATE TRIGGER public_holiday_change_notify AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON public_holiday
    FOR EACH STATEMENT EXECUTE FUNCTION stationmap.holiday_change_notify();

-- China's national calendar (region CN). Each range is inclusive and copied from the notice's own
-- wording (e.g. "二、春节：2月15日（农历腊月二十八、周日）至23日（农历正月初七、周一）放假调休，共9天。
-- 2月14日（周六）、2月28日（周六）上班。"); the weekdays the notices print were checked against the dates.

INSERT INTO holiday_year (region, year, basis, source, note) VALUES
    ('CN', 2025, 'notice',
     '国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号，2024年11月12日）https://www.gov.cn/zhengce/content/202411/content_6986382.htm',
     NULL),
    ('CN', 2026, 'notice',
     '国务院办公厅关于2026年部分节假日安排的通知（国办发明电〔2025〕7号，2025年11月4日）https://www.gov.cn/zhengce/content/202511/content_7047090.htm',
     NULL),
    ('CN', 2027, 'statutory',
     '全国年节及纪念日放假办法第二条（2024年11月10日国务院令第795号修订，2025年1月1日起施行）：元旦1天、春节4天（除夕至正月初三）、清明节1天、劳动节2天（5月1日、2日）、端午节1天、中秋节1天、国庆节3天（10月1日至3日）',
     'Only the statutory days, with their 2027 dates from the lunar calendar and the Qingming solar term. The State Council''s notice for 2027 (bridging days and make-up working days) was not yet published when this was written: load it with ./stationmap import-holidays FILE or PUT /api/v1/holidays/CN/2027 when it is.');

INSERT INTO public_holiday (region, year, date, kind, name)
SELECT 'CN', v.year, d::date, 'holiday', v.name
FROM (VALUES
    (2025, '元旦', '2025-01-01', '2025-01-01'),
    (2025, '春节', '2025-01-28', '2025-02-04'),
    (2025, '清明节', '2025-04-04', '2025-04-06'),
    (2025, '劳动节', '2025-05-01', '2025-05-05'),
    (2025, '端午节', '2025-05-31', '2025-06-02'),
    (2025, '国庆节、中秋节', '2025-10-01', '2025-10-08'),
    (2026, '元旦', '2026-01-01', '2026-01-03'),
    (2026, '春节', '2026-02-15', '2026-02-23'),
    (2026, '清明节', '2026-04-04', '2026-04-06'),
    (2026, '劳动节', '2026-05-01', '2026-05-05'),
    (2026, '端午节', '2026-06-19', '2026-06-21'),
    (2026, '中秋节', '2026-09-25', '2026-09-27'),
    (2026, '国庆节', '2026-10-01', '2026-10-07'),
    -- 2027, statutory days only: 除夕 is 2027-02-05 (正月初一 2027-02-06), 清明 2027-04-05,
    -- 端午 (五月初五) 2027-06-09, 中秋 (八月十五) 2027-09-15.
    (2027, '元旦', '2027-01-01', '2027-01-01'),
    (2027, '春节', '2027-02-05', '2027-02-08'),
    (2027, '清明节', '2027-04-05', '2027-04-05'),
    (2027, '劳动节', '2027-05-01', '2027-05-02'),
    (2027, '端午节', '2027-06-09', '2027-06-09'),
    (2027, '中秋节', '2027-09-15', '2027-09-15'),
    (2027, '国庆节', '2027-10-01', '2027-10-03')
) AS v(year, name, first_day, last_day),
LATERAL generate_series(v.first_day::date, v.last_day::date, interval '1 day') AS d;

INSERT INTO public_holiday (region, year, date, kind, name) VALUES
    ('CN', 2025, '2025-01-26', 'makeup_workday', '春节补班'),
    ('CN', 2025, '2025-02-08', 'makeup_workday', '春节补班'),
    ('CN', 2025, '2025-04-27', 'makeup_workday', '劳动节补班'),
    ('CN', 2025, '2025-09-28', 'makeup_workday', '国庆节、中秋节补班'),
    ('CN', 2025, '2025-10-11', 'makeup_workday', '国庆节、中秋节补班'),
    ('CN', 2026, '2026-01-04', 'makeup_workday', '元旦补班'),
    ('CN', 2026, '2026-02-14', 'makeup_workday', '春节补班'),
    ('CN', 2026, '2026-02-28', 'makeup_workday', '春节补班'),
    ('CN', 2026, '2026-05-09', 'makeup_workday', '劳动节补班'),
    ('CN', 2026, '2026-09-20', 'makeup_workday', '国庆节补班'),
    ('CN', 2026, '2026-10-10', 'makeup_workday', '国庆节补班');
