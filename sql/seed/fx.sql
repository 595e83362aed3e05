-- fx.sql: a starter table of euro reference rates (units of quote per 1 EUR)
-- for USD, GBP and the currencies of the wage floors in wage_floors.sql.
-- Idempotent: re-run by every `dw-admin migrate`; existing rows are kept.
--
-- These are APPROXIMATE starter values for one date, so that a fresh
-- install can convert at all. They are not a substitute for the published
-- series: load the real daily rates (ECB Data Portal, series EXR.D.*.EUR.SP00.A,
-- https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/)
-- for the analysis window before reporting.
--
-- The ECB publishes reference rates for USD GBP PLN RON INR IDR PHP ZAR BRL
-- MXN (source below says so). UAH PKR BDT VND KES NGN EGP COP ARS VES are not
-- ECB reference currencies: their rows are approximate cross rates via USD
-- (national central bank USD rate x ECB USD rate) and say so in `source`.

INSERT INTO dw.fx_rate (rate_date, base, quote, rate, source)
SELECT rate_date::date, 'EUR', quote, rate, source
FROM (VALUES
('2025-06-30', 'USD', 1.1720,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'GBP', 0.8555,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'PLN', 4.2423,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'RON', 5.0777,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'INR', 100.56,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'IDR', 19011,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'PHP', 66.08,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'ZAR', 20.86,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'BRL', 6.4384,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'MXN', 22.09,
 'ECB euro foreign exchange reference rates (approximate starter value: verify)'),
('2025-06-30', 'UAH', 48.8,
 'Not an ECB reference currency: approximate cross rate via USD (National Bank of Ukraine x ECB USD rate); verify'),
('2025-06-30', 'PKR', 332.7,
 'Not an ECB reference currency: approximate cross rate via USD (State Bank of Pakistan x ECB USD rate); verify'),
('2025-06-30', 'BDT', 143.3,
 'Not an ECB reference currency: approximate cross rate via USD (Bangladesh Bank x ECB USD rate); verify'),
('2025-06-30', 'VND', 30590,
 'Not an ECB reference currency: approximate cross rate via USD (State Bank of Vietnam x ECB USD rate); verify'),
('2025-06-30', 'KES', 151.4,
 'Not an ECB reference currency: approximate cross rate via USD (Central Bank of Kenya x ECB USD rate); verify'),
('2025-06-30', 'NGN', 1793,
 'Not an ECB reference currency: approximate cross rate via USD (Central Bank of Nigeria x ECB USD rate); verify'),
('2025-06-30', 'EGP', 58.1,
 'Not an ECB reference currency: approximate cross rate via USD (Central Bank of Egypt x ECB USD rate); verify'),
('2025-06-30', 'COP', 4782,
 'Not an ECB reference currency: approximate cross rate via USD (Banco de la Republica TRM x ECB USD rate); verify'),
('2025-06-30', 'ARS', 1406,
 'Not an ECB reference currency: approximate cross rate via USD (Banco Central de la Republica Argentina x ECB USD rate); verify'),
('2025-06-30', 'VES', 126.1,
 'Not an ECB reference currency: approximate cross rate via USD (Banco Central de Venezuela x ECB USD rate); verify')
) AS v (rate_date, quote, rate, source)
ON CONFLICT (base, quote, rate_date) DO NOTHING;
