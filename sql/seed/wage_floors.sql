-- wage_floors.sql: statutory minimum wages and living wages, dated and sourced.
-- Idempotent: re-run by every `dw-admin migrate`; existing rows are kept.
-- A new figure is a new row with its own valid_from; history is never
-- rewritten. Amounts are written in currency units here and stored as
-- bigint micro-units (exact numeric arithmetic).
--
-- hours_basis is the number of hours in one `per` period used to make the
-- floor hourly: 1 for hourly rates, the legal normal day for daily rates,
-- (normal weekly hours x 52 / 12) for monthly rates unless the country
-- publishes its own divisor (BR 220, AR 200, RO 165.333, ID 173, CO 230/220).
-- Countries that pay 14 monthly salaries (ES, PT) are stored as 1/12 of the
-- annual amount so the monthly figure matches the annual pay.
--
-- Verification (see `note`): [V] = checked against the source in
-- docs/method.md and each row's citation; "verify" = best known figure, from memory,
-- to check against the official source named in `source` before relying
-- on it.
--
-- Countries with regional minima and no national one: the capital region's
-- rate is stored as the national reference (region '') and the note says
-- so; add region rows when a source gives workers' regions.
--
-- Italy (IT): no statutory minimum wage (pay floors come from sectoral
-- collective agreements, CCNL); omitted, no sourced reference figure.

INSERT INTO dw.wage_floor (country, region, kind, amount_micros, currency, per,
                           hours_basis, valid_from, source, note)
SELECT country, region, kind, (amount * 1000000)::bigint, currency, per,
       hours_basis, valid_from::date, source, note
FROM (VALUES
-- United States ------------------------------------------------------------
('US', '', 'minimum', 7.25, 'USD', 'hour', 1, '2009-07-24',
 'Fair Labor Standards Act, 29 U.S.C. 206(a)(1)(C); U.S. Department of Labor, https://www.dol.gov/agencies/whd/minimum-wage',
 '[V] federal minimum; 29+ states and DC set higher rates'),
-- United Kingdom -----------------------------------------------------------
('GB', '', 'minimum', 12.21, 'GBP', 'hour', 1, '2025-04-01',
 'The National Minimum Wage (Amendment) Regulations 2025; GOV.UK, https://www.gov.uk/national-minimum-wage-rates',
 '[V] National Living Wage, age 21+'),
('GB', '', 'minimum', 12.71, 'GBP', 'hour', 1, '2026-04-01',
 'GOV.UK National Minimum Wage and National Living Wage rates (April 2026); https://www.mondaq.com/uk/employee-rights-labour-relations/1725980/new-national-minimum-wage-rates-for-april-2026',
 '[V] figure, age 21+; verify the start day (some sources cite 6 Apr 2026; statutory upratings start 1 April)'),
('GB', '', 'living', 12.60, 'GBP', 'hour', 1, '2024-10-23',
 'Living Wage Foundation, Real Living Wage 2024/25, https://www.livingwage.org.uk/what-real-living-wage',
 'verify: voluntary Real Living Wage outside London, announced Living Wage Week 2024'),
('GB', 'London', 'living', 13.85, 'GBP', 'hour', 1, '2024-10-23',
 'Living Wage Foundation, London Living Wage 2024/25, https://www.livingwage.org.uk/what-real-living-wage',
 'verify: voluntary London Living Wage'),
('GB', '', 'living', 13.45, 'GBP', 'hour', 1, '2025-10-22',
 'Living Wage Foundation, Real Living Wage 2025/26, https://www.livingwage.org.uk/what-real-living-wage; https://particle.news/story/uk-confirms-april-2026-minimum-wage-rise-to-1271-after-low-pay-commission-advice',
 '[V] figure; voluntary; valid_from = Living Wage Week announcement (verify the day), employers apply it by 1 May 2026'),
('GB', 'London', 'living', 14.80, 'GBP', 'hour', 1, '2025-10-22',
 'Living Wage Foundation, London Living Wage 2025/26, https://www.livingwage.org.uk/what-real-living-wage',
 '[V] figure; voluntary; valid_from = announcement (verify the day)'),
-- Germany ------------------------------------------------------------------
('DE', '', 'minimum', 12.82, 'EUR', 'hour', 1, '2025-01-01',
 'Mindestlohngesetz s. 1; Vierte Mindestlohnanpassungsverordnung (BGBl.); https://www.muepe-steuerkontor.de/news/details/beitrag-mindestlohnerhoehung-ab-01012026',
 '[V]'),
('DE', '', 'minimum', 13.90, 'EUR', 'hour', 1, '2026-01-01',
 'Fuenfte Mindestlohnanpassungsverordnung (BGBl.); https://www.big-direkt.de/de/informationen-fuer-arbeitgeber/mindestlohn-soll-stufenweise-auf-1460-euro-steigen',
 '[V]'),
('DE', '', 'minimum', 14.60, 'EUR', 'hour', 1, '2027-01-01',
 'Fuenfte Mindestlohnanpassungsverordnung (BGBl.); https://www.big-direkt.de/de/informationen-fuer-arbeitgeber/mindestlohn-soll-stufenweise-auf-1460-euro-steigen',
 '[V]'),
-- France -------------------------------------------------------------------
('FR', '', 'minimum', 11.88, 'EUR', 'hour', 1, '2024-11-01',
 'Decret n. 2024-951 du 23 octobre 2024 portant relevement du salaire minimum de croissance (Journal officiel); Ministere du Travail',
 'verify: SMIC brut horaire'),
('FR', '', 'minimum', 12.02, 'EUR', 'hour', 1, '2026-01-01',
 'Decret portant relevement du SMIC au 1er janvier 2026 (Journal officiel); Ministere du Travail',
 'verify: SMIC brut horaire 2026'),
-- Spain --------------------------------------------------------------------
('ES', '', 'minimum', 1381.333333, 'EUR', 'month', 173.33, '2025-01-01',
 'Real Decreto 87/2025 (BOE), salario minimo interprofesional 2025: EUR 1,184 x 14 payments = EUR 16,576 a year; Ministerio de Trabajo y Economia Social',
 'verify: stored as 16,576 / 12; hours basis 40 h/week'),
-- Poland -------------------------------------------------------------------
('PL', '', 'minimum', 30.50, 'PLN', 'hour', 1, '2025-01-01',
 'Rozporzadzenie Rady Ministrow z 12 wrzesnia 2024 w sprawie wysokosci minimalnego wynagrodzenia za prace oraz minimalnej stawki godzinowej w 2025 r. (Dziennik Ustaw)',
 'verify: minimum hourly rate for civil-law contracts (umowa zlecenie), the crowdwork case; employee minimum PLN 4,666/month'),
('PL', '', 'minimum', 31.40, 'PLN', 'hour', 1, '2026-01-01',
 'Rozporzadzenie Rady Ministrow w sprawie wysokosci minimalnego wynagrodzenia za prace oraz minimalnej stawki godzinowej w 2026 r. (Dziennik Ustaw)',
 'verify: minimum hourly rate for civil-law contracts; employee minimum PLN 4,806/month'),
-- Netherlands --------------------------------------------------------------
('NL', '', 'minimum', 14.06, 'EUR', 'hour', 1, '2025-01-01',
 'Wet minimumloon en minimumvakantiebijslag; Rijksoverheid bedragen minimumloon (Staatscourant)',
 'verify: statutory hourly minimum, age 21+'),
('NL', '', 'minimum', 14.40, 'EUR', 'hour', 1, '2025-07-01',
 'Wet minimumloon en minimumvakantiebijslag; Rijksoverheid bedragen minimumloon (Staatscourant)',
 'verify: statutory hourly minimum, age 21+'),
('NL', '', 'minimum', 14.71, 'EUR', 'hour', 1, '2026-01-01',
 'Wet minimumloon en minimumvakantiebijslag; Rijksoverheid bedragen minimumloon (Staatscourant)',
 'verify: statutory hourly minimum, age 21+'),
-- Portugal -----------------------------------------------------------------
('PT', '', 'minimum', 1015.00, 'EUR', 'month', 173.33, '2025-01-01',
 'Decreto-Lei n. 112/2024 (Diario da Republica), retribuicao minima mensal garantida EUR 870 x 14 payments',
 'verify: stored as 870 x 14 / 12; hours basis 40 h/week'),
('PT', '', 'minimum', 1073.333333, 'EUR', 'month', 173.33, '2026-01-01',
 'Decreto-Lei (Diario da Republica), retribuicao minima mensal garantida 2026 EUR 920 x 14 payments',
 'verify: stored as 920 x 14 / 12; hours basis 40 h/week'),
-- Romania ------------------------------------------------------------------
('RO', '', 'minimum', 4050, 'RON', 'month', 165.333, '2025-01-01',
 'Hotararea Guvernului nr. 1506/2024 (Monitorul Oficial), salariul de baza minim brut pe tara garantat in plata',
 'verify: RON 24.50/h on the official 165.333 h/month basis'),
-- Ukraine ------------------------------------------------------------------
('UA', '', 'minimum', 48.00, 'UAH', 'hour', 1, '2025-01-01',
 'Law of Ukraine "On the State Budget of Ukraine for 2025", art. 8 (Verkhovna Rada)',
 'verify: hourly minimum; monthly UAH 8,000'),
('UA', '', 'minimum', 52.00, 'UAH', 'hour', 1, '2026-01-01',
 'Law of Ukraine "On the State Budget of Ukraine for 2026", art. 8 (Verkhovna Rada)',
 'verify: hourly minimum; monthly UAH 8,647'),
-- India --------------------------------------------------------------------
('IN', '', 'minimum', 176, 'INR', 'day', 8, '2017-06-01',
 'Ministry of Labour and Employment, National Floor Level Minimum Wage (non-binding), revised June 2017; https://modimeter.info/modi_meter/maintaining-same-growth-in-minimum-wages/',
 '[V] non-binding; binding minimums are state- and skill-specific; the Code on Wages floor wage has no published figure yet'),
-- Pakistan -----------------------------------------------------------------
('PK', '', 'minimum', 37000, 'PKR', 'month', 208, '2024-07-01',
 'Federal Budget 2024-25 (Finance Division, Government of Pakistan); Islamabad Capital Territory minimum wage notification',
 'verify: federal/ICT minimum for unskilled workers; provinces set their own (Punjab, Sindh higher in 2025); hours basis 48 h/week'),
-- Bangladesh ---------------------------------------------------------------
('BD', '', 'minimum', 12500, 'BDT', 'month', 208, '2023-12-01',
 'Minimum Wage Board, ready-made garment sector wage gazette (Ministry of Labour and Employment, Nov 2023)',
 'verify: no national statutory minimum; garment-sector minimum used as reference; hours basis 48 h/week'),
-- Philippines --------------------------------------------------------------
('PH', '', 'minimum', 695, 'PHP', 'day', 8, '2025-07-18',
 'Wage Order NCR-26, Regional Tripartite Wages and Productivity Board NCR (DOLE); https://www.sunstar.com.ph/manila/wage-board-approves-p50-wage-increase-in-ncr',
 '[V] NCR non-agriculture rate used as national reference; other regions are lower'),
-- Indonesia ----------------------------------------------------------------
('ID', '', 'minimum', 5396761, 'IDR', 'month', 173, '2025-01-01',
 'Keputusan Gubernur DKI Jakarta tentang Upah Minimum Provinsi 2025; Kementerian Ketenagakerjaan',
 'verify: Jakarta provincial minimum (UMP) used as national reference; other provinces are lower; 173 h/month divisor'),
-- Viet Nam -----------------------------------------------------------------
('VN', '', 'minimum', 23800, 'VND', 'hour', 1, '2024-07-01',
 'Decree 74/2024/ND-CP (Government of Viet Nam), region I hourly minimum wage',
 'verify: region I (Hanoi, Ho Chi Minh City) used as national reference; regions II-IV lower'),
('VN', '', 'minimum', 25500, 'VND', 'hour', 1, '2026-01-01',
 'Decree 293/2025/ND-CP (Government of Viet Nam), region I hourly minimum wage',
 'verify: region I used as national reference'),
-- Kenya --------------------------------------------------------------------
('KE', '', 'minimum', 16113.75, 'KES', 'month', 225.33, '2024-11-01',
 'Regulation of Wages (General) (Amendment) Order 2024, Legal Notice 164 (Kenya Gazette); https://www.tuko.co.ke/business-economy/569398-nairobi-househelps-security-guards-earn-ksh-16k-minimum-wage-effect-november/',
 '[V] house servants / watchmen, Nairobi, Mombasa and other major towns; rates vary by town and occupation; hours basis 52 h/week (General Order)'),
-- Nigeria ------------------------------------------------------------------
('NG', '', 'minimum', 70000, 'NGN', 'month', 173.33, '2024-07-29',
 'National Minimum Wage (Amendment) Act 2024 (Federal Republic of Nigeria Official Gazette)',
 'verify: hours basis 40 h/week'),
-- Egypt --------------------------------------------------------------------
('EG', '', 'minimum', 7000, 'EGP', 'month', 208, '2025-03-01',
 'National Wages Council decision, private-sector minimum wage 2025 (Ministry of Planning, Economic Development and International Cooperation)',
 'verify: hours basis 48 h/week'),
-- South Africa -------------------------------------------------------------
('ZA', '', 'minimum', 28.79, 'ZAR', 'hour', 1, '2025-03-01',
 'National Minimum Wage Act 9 of 2018; national minimum wage 2025 (Government Gazette, Department of Employment and Labour)',
 'verify'),
-- Brazil -------------------------------------------------------------------
('BR', '', 'minimum', 1518, 'BRL', 'month', 220, '2025-01-01',
 'Decreto n. 12.342/2024 (Diario Oficial da Uniao), salario minimo 2025',
 'verify: official 220 h/month divisor'),
('BR', '', 'minimum', 1621, 'BRL', 'month', 220, '2026-01-01',
 'Decreto presidencial, salario minimo 2026 (Diario Oficial da Uniao)',
 'verify'),
-- Mexico -------------------------------------------------------------------
('MX', '', 'minimum', 278.80, 'MXN', 'day', 8, '2025-01-01',
 'CONASAMI resolution (Diario Oficial de la Federacion), salario minimo general 2025',
 'verify: general zone'),
('MX', 'ZLFN', 'minimum', 419.88, 'MXN', 'day', 8, '2025-01-01',
 'CONASAMI resolution (Diario Oficial de la Federacion), Zona Libre de la Frontera Norte 2025',
 'verify'),
('MX', '', 'minimum', 315.04, 'MXN', 'day', 8, '2026-01-01',
 'CONASAMI resolution (Diario Oficial de la Federacion), salario minimo general 2026',
 'verify: general zone'),
('MX', 'ZLFN', 'minimum', 440.87, 'MXN', 'day', 8, '2026-01-01',
 'CONASAMI resolution (Diario Oficial de la Federacion), Zona Libre de la Frontera Norte 2026',
 'verify'),
-- Colombia -----------------------------------------------------------------
('CO', '', 'minimum', 1423500, 'COP', 'month', 230, '2025-01-01',
 'Decreto 1572 de 2024 (Ministerio del Trabajo), salario minimo mensual legal vigente 2025',
 'verify: hours basis 230 h/month (46 h week); 44 h from 2025-07-15 (Ley 2101 de 2021)'),
('CO', '', 'minimum', 1750905, 'COP', 'month', 220, '2026-01-01',
 'Decreto del Ministerio del Trabajo, salario minimo mensual legal vigente 2026',
 'verify: hours basis 220 h/month (44 h week)'),
-- Argentina ----------------------------------------------------------------
('AR', '', 'minimum', 296832, 'ARS', 'month', 200, '2025-04-01',
 'Consejo Nacional del Empleo, la Productividad y el Salario Minimo, Vital y Movil, Resolucion 5/2025 (Boletin Oficial)',
 'verify: raised in monthly steps since; official 200 h/month divisor'),
-- Venezuela ----------------------------------------------------------------
('VE', '', 'minimum', 130, 'VES', 'month', 173.33, '2022-03-15',
 'Decreto presidencial, salario minimo (Gaceta Oficial, March 2022); https://www.telemetro.com/internacionales/salario-minimo-venezuela-se-reduce-un-dolar-mensual-segun-tasa-oficial-n6050009',
 '[V] about USD 1/month in 2025: not meaningful as a floor; non-wage bonuses up to USD 160/month exist; use the fallback or a living wage')
) AS v (country, region, kind, amount, currency, per, hours_basis, valid_from,
        source, note)
ON CONFLICT (country, region, kind, valid_from) DO NOTHING;
